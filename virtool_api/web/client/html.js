// Preact with htm tagged templates: components written as plain ES modules, no build step.

import htm from "htm";
import { Fragment, h, render } from "preact";

export const html = htm.bind(h);
export { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
export { Fragment, h, render };
