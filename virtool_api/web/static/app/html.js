// Preact with htm tagged templates: components written as plain ES modules, no build step.
import { h, render, Fragment } from "preact";
import htm from "htm";

export const html = htm.bind(h);
export { h, render, Fragment };
export { useState, useEffect, useMemo, useRef, useCallback } from "preact/hooks";
