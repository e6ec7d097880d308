// virtool_api/web/client/api.js
var BASE = "/api";
var signedOutListeners = /* @__PURE__ */ new Set();
var ApiError = class extends Error {
  constructor(status, body) {
    super(body?.message || `The server answered ${status}`);
    this.status = status;
    this.id = body?.id;
    this.errors = body?.errors;
  }
};
function onSignedOut(listener) {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}
function queryString(query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== void 0 && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
async function parse(response) {
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("application/json")) return response.json();
  return { message: (await response.text()).slice(0, 200) || response.statusText };
}
async function request(method, path, body) {
  const headers = { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" };
  const options = { method, headers, credentials: "same-origin" };
  if (body !== void 0) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(BASE + path, options);
  } catch (_error) {
    throw new ApiError(0, { message: "The server cannot be reached. Check your connection and try again." });
  }
  const data = await parse(response);
  if (!response.ok) {
    if (response.status === 401 && path !== "/account/login") for (const listener of signedOutListeners) listener();
    throw new ApiError(response.status, data);
  }
  return data;
}
var get = (path, query) => request("GET", path + queryString(query));
var post = (path, body) => request("POST", path, body === void 0 ? {} : body);
var put = (path, body) => request("PUT", path, body === void 0 ? {} : body);
var patch = (path, body) => request("PATCH", path, body);
var remove = (path) => request("DELETE", path);
function messageOf(error) {
  if (!error) return "";
  let text = error.message || String(error);
  if (error.errors && typeof error.errors === "object") {
    const details = Object.entries(error.errors).map(
      ([field, messages]) => `${field}: ${[].concat(messages).join(", ")}`
    );
    if (details.length) text += ` (${details.join("; ")})`;
  }
  return text;
}
function upload(path, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", BASE + path);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const body = xhr.response || { message: xhr.statusText };
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        if (xhr.status === 401) for (const listener of signedOutListeners) listener();
        reject(new ApiError(xhr.status, body));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { message: "The upload failed: the connection was lost." }));
    xhr.onabort = () => reject(new ApiError(0, { message: "The upload was cancelled." }));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

// virtool_api/web/static/vendor/htm-3.1.1/htm.module.js
var n = function(t4, s3, r3, e3) {
  var u3;
  s3[0] = 0;
  for (var h3 = 1; h3 < s3.length; h3++) {
    var p3 = s3[h3++], a3 = s3[h3] ? (s3[0] |= p3 ? 1 : 2, r3[s3[h3++]]) : s3[++h3];
    3 === p3 ? e3[0] = a3 : 4 === p3 ? e3[1] = Object.assign(e3[1] || {}, a3) : 5 === p3 ? (e3[1] = e3[1] || {})[s3[++h3]] = a3 : 6 === p3 ? e3[1][s3[++h3]] += a3 + "" : p3 ? (u3 = t4.apply(a3, n(t4, a3, r3, ["", null])), e3.push(u3), a3[0] ? s3[0] |= 2 : (s3[h3 - 2] = 0, s3[h3] = u3)) : e3.push(a3);
  }
  return e3;
};
var t = /* @__PURE__ */ new Map();
function htm_module_default(s3) {
  var r3 = t.get(this);
  return r3 || (r3 = /* @__PURE__ */ new Map(), t.set(this, r3)), (r3 = n(this, r3.get(s3) || (r3.set(s3, r3 = (function(n3) {
    for (var t4, s4, r4 = 1, e3 = "", u3 = "", h3 = [0], p3 = function(n4) {
      1 === r4 && (n4 || (e3 = e3.replace(/^\s*\n\s*|\s*\n\s*$/g, ""))) ? h3.push(0, n4, e3) : 3 === r4 && (n4 || e3) ? (h3.push(3, n4, e3), r4 = 2) : 2 === r4 && "..." === e3 && n4 ? h3.push(4, n4, 0) : 2 === r4 && e3 && !n4 ? h3.push(5, 0, true, e3) : r4 >= 5 && ((e3 || !n4 && 5 === r4) && (h3.push(r4, 0, e3, s4), r4 = 6), n4 && (h3.push(r4, n4, 0, s4), r4 = 6)), e3 = "";
    }, a3 = 0; a3 < n3.length; a3++) {
      a3 && (1 === r4 && p3(), p3(a3));
      for (var l3 = 0; l3 < n3[a3].length; l3++) t4 = n3[a3][l3], 1 === r4 ? "<" === t4 ? (p3(), h3 = [h3], r4 = 3) : e3 += t4 : 4 === r4 ? "--" === e3 && ">" === t4 ? (r4 = 1, e3 = "") : e3 = t4 + e3[0] : u3 ? t4 === u3 ? u3 = "" : e3 += t4 : '"' === t4 || "'" === t4 ? u3 = t4 : ">" === t4 ? (p3(), r4 = 1) : r4 && ("=" === t4 ? (r4 = 5, s4 = e3, e3 = "") : "/" === t4 && (r4 < 5 || ">" === n3[a3][l3 + 1]) ? (p3(), 3 === r4 && (h3 = h3[0]), r4 = h3, (h3 = h3[0]).push(2, 0, r4), r4 = 0) : " " === t4 || "	" === t4 || "\n" === t4 || "\r" === t4 ? (p3(), r4 = 2) : e3 += t4), 3 === r4 && "!--" === e3 && (r4 = 4, h3 = h3[0]);
    }
    return p3(), h3;
  })(s3)), r3), arguments, [])).length > 1 ? r3 : r3[0];
}

// virtool_api/web/static/vendor/preact-10.29.8/preact.module.js
var n2;
var l;
var u;
var t2;
var i;
var r;
var o;
var e;
var f;
var c;
var a;
var s;
var h;
var p;
var v;
var y;
var d = {};
var w = [];
var _ = /acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i;
var g = Array.isArray;
function m(n3, l3) {
  for (var u3 in l3) n3[u3] = l3[u3];
  return n3;
}
function b(n3) {
  n3 && n3.parentNode && n3.parentNode.removeChild(n3);
}
function k(l3, u3, t4) {
  var i3, r3, o3, e3 = {};
  for (o3 in u3) "key" == o3 ? i3 = u3[o3] : "ref" == o3 ? r3 = u3[o3] : e3[o3] = u3[o3];
  if (arguments.length > 2 && (e3.children = arguments.length > 3 ? n2.call(arguments, 2) : t4), "function" == typeof l3 && null != l3.defaultProps) for (o3 in l3.defaultProps) void 0 === e3[o3] && (e3[o3] = l3.defaultProps[o3]);
  return x(l3, e3, i3, r3, null);
}
function x(n3, t4, i3, r3, o3) {
  var e3 = { type: n3, props: t4, key: i3, ref: r3, __k: null, __: null, __b: 0, __e: null, __c: null, constructor: void 0, __v: null == o3 ? ++u : o3, __i: -1, __u: 0 };
  return null == o3 && null != l.vnode && l.vnode(e3), e3;
}
function S(n3) {
  return n3.children;
}
function C(n3, l3) {
  this.props = n3, this.context = l3;
}
function $(n3, l3) {
  if (null == l3) return n3.__ ? $(n3.__, n3.__i + 1) : null;
  for (var u3; l3 < n3.__k.length; l3++) if (null != (u3 = n3.__k[l3]) && null != u3.__e) return u3.__e;
  return "function" == typeof n3.type ? $(n3) : null;
}
function I(n3) {
  if (n3.__P && n3.__d) {
    var u3 = n3.__v, t4 = u3.__e, i3 = [], r3 = [], o3 = m({}, u3);
    o3.__v = u3.__v + 1, l.vnode && l.vnode(o3), q(n3.__P, o3, u3, n3.__n, n3.__P.namespaceURI, 32 & u3.__u ? [t4] : null, i3, null == t4 ? $(u3) : t4, !!(32 & u3.__u), r3), o3.__v = u3.__v, o3.__.__k[o3.__i] = o3, D(i3, o3, r3), u3.__e = u3.__ = null, o3.__e != t4 && P(o3);
  }
}
function P(n3) {
  if (null != (n3 = n3.__) && null != n3.__c) return n3.__e = n3.__c.base = null, n3.__k.some(function(l3) {
    if (null != l3 && null != l3.__e) return n3.__e = n3.__c.base = l3.__e;
  }), P(n3);
}
function A(n3) {
  (!n3.__d && (n3.__d = true) && i.push(n3) && !H.__r++ || r != l.debounceRendering) && ((r = l.debounceRendering) || o)(H);
}
function H() {
  try {
    for (var n3, l3 = 1; i.length; ) i.length > l3 && i.sort(e), n3 = i.shift(), l3 = i.length, I(n3);
  } finally {
    i.length = H.__r = 0;
  }
}
function L(n3, l3, u3, t4, i3, r3, o3, e3, f3, c3, a3) {
  var s3, h3, p3, v3, y3, _2, g2 = t4 && t4.__k || w, m3 = l3.length;
  for (f3 = T(u3, l3, g2, f3, m3), s3 = 0; s3 < m3; s3++) null != (p3 = u3.__k[s3]) && (h3 = -1 != p3.__i && g2[p3.__i] || d, p3.__i = s3, _2 = q(n3, p3, h3, i3, r3, o3, e3, f3, c3, a3), v3 = p3.__e, p3.ref && h3.ref != p3.ref && (h3.ref && J(h3.ref, null, p3), a3.push(p3.ref, p3.__c || v3, p3)), null == y3 && null != v3 && (y3 = v3), 4 & p3.__u ? (f3 = j(p3, f3, n3), h3.__e && (h3.__e = null)) : "function" == typeof p3.type && void 0 !== _2 ? f3 = _2 : v3 && (f3 = v3.nextSibling), p3.__u &= -7);
  return u3.__e = y3, f3;
}
function T(n3, l3, u3, t4, i3) {
  var r3, o3, e3, f3, c3, a3 = u3.length, s3 = a3, h3 = 0;
  for (n3.__k = new Array(i3), r3 = 0; r3 < i3; r3++) null != (o3 = l3[r3]) && "boolean" != typeof o3 && "function" != typeof o3 ? ("string" == typeof o3 || "number" == typeof o3 || "bigint" == typeof o3 || o3.constructor == String ? o3 = n3.__k[r3] = x(null, o3, null, null, null) : g(o3) ? o3 = n3.__k[r3] = x(S, { children: o3 }, null, null, null) : void 0 === o3.constructor && o3.__b > 0 ? o3 = n3.__k[r3] = x(o3.type, o3.props, o3.key, o3.ref ? o3.ref : null, o3.__v) : n3.__k[r3] = o3, f3 = r3 + h3, o3.__ = n3, o3.__b = n3.__b + 1, e3 = null, -1 != (c3 = o3.__i = O(o3, u3, f3, s3)) && (s3--, (e3 = u3[c3]) && (e3.__u |= 2)), null == e3 || null == e3.__v ? (-1 == c3 && (i3 > a3 ? h3-- : i3 < a3 && h3++), "function" != typeof o3.type && (o3.__u |= 4)) : c3 != f3 && (c3 == f3 - 1 ? h3-- : c3 == f3 + 1 ? h3++ : (c3 > f3 ? h3-- : h3++, o3.__u |= 4))) : n3.__k[r3] = null;
  if (s3) for (r3 = 0; r3 < a3; r3++) null != (e3 = u3[r3]) && 0 == (2 & e3.__u) && (e3.__e == t4 && (t4 = $(e3)), K(e3, e3));
  return t4;
}
function j(n3, l3, u3) {
  var t4, i3;
  if ("function" == typeof n3.type) {
    for (t4 = n3.__k, i3 = 0; t4 && i3 < t4.length; i3++) t4[i3] && (t4[i3].__ = n3, l3 = j(t4[i3], l3, u3));
    return l3;
  }
  n3.__e != l3 && (l3 && n3.type && !l3.parentNode && (l3 = $(n3)), l3 = u3.insertBefore(n3.__e, l3 || null));
  do {
    l3 = l3 && l3.nextSibling;
  } while (null != l3 && 8 == l3.nodeType);
  return l3;
}
function O(n3, l3, u3, t4) {
  var i3, r3, o3, e3 = n3.key, f3 = n3.type, c3 = l3[u3], a3 = null != c3 && 0 == (2 & c3.__u);
  if (null === c3 && null == e3 || a3 && e3 == c3.key && f3 == c3.type) return u3;
  if (t4 > (a3 ? 1 : 0)) {
    for (i3 = u3 - 1, r3 = u3 + 1; i3 >= 0 || r3 < l3.length; ) if (null != (c3 = l3[o3 = i3 >= 0 ? i3-- : r3++]) && 0 == (2 & c3.__u) && e3 == c3.key && f3 == c3.type) return o3;
  }
  return -1;
}
function z(n3, l3, u3) {
  "-" == l3[0] ? n3.setProperty(l3, null == u3 ? "" : u3) : n3[l3] = null == u3 ? "" : "number" != typeof u3 || _.test(l3) ? u3 : u3 + "px";
}
function N(n3, l3, u3, t4, i3) {
  var r3, o3;
  n: if ("style" == l3) if ("string" == typeof u3) n3.style.cssText = u3;
  else {
    if ("string" == typeof t4 && (n3.style.cssText = t4 = ""), t4) for (l3 in t4) u3 && l3 in u3 || z(n3.style, l3, "");
    if (u3) for (l3 in u3) t4 && u3[l3] == t4[l3] || z(n3.style, l3, u3[l3]);
  }
  else if ("o" == l3[0] && "n" == l3[1]) r3 = l3 != (l3 = l3.replace(s, "$1")), o3 = l3.toLowerCase(), l3 = o3 in n3 || "onFocusOut" == l3 || "onFocusIn" == l3 ? o3.slice(2) : l3.slice(2), n3.l || (n3.l = {}), n3.l[l3 + r3] = u3, u3 ? t4 ? u3[a] = t4[a] : (u3[a] = h, n3.addEventListener(l3, r3 ? v : p, r3)) : n3.removeEventListener(l3, r3 ? v : p, r3);
  else {
    if ("http://www.w3.org/2000/svg" == i3) l3 = l3.replace(/xlink(H|:h)/, "h").replace(/sName$/, "s");
    else if ("width" != l3 && "height" != l3 && "href" != l3 && "list" != l3 && "form" != l3 && "tabIndex" != l3 && "download" != l3 && "rowSpan" != l3 && "colSpan" != l3 && "role" != l3 && "popover" != l3 && l3 in n3) try {
      n3[l3] = null == u3 ? "" : u3;
      break n;
    } catch (n4) {
    }
    "function" == typeof u3 || (null == u3 || false === u3 && "-" != l3[4] ? n3.removeAttribute(l3) : n3.setAttribute(l3, "popover" == l3 && 1 == u3 ? "" : u3));
  }
}
function V(n3) {
  return function(u3) {
    if (this.l) {
      var t4 = this.l[u3.type + n3];
      if (null == u3[c]) u3[c] = h++;
      else if (u3[c] < t4[a]) return;
      return t4(l.event ? l.event(u3) : u3);
    }
  };
}
function q(n3, u3, t4, i3, r3, o3, e3, f3, c3, a3) {
  var s3, h3, p3, v3, y3, d3, _2, k3, x2, M, I2, P2, A3, H2, T3, j3, F = u3.type;
  if (void 0 !== u3.constructor) return null;
  128 & t4.__u && (c3 = !!(32 & t4.__u), o3 = [f3 = u3.__e = t4.__e]), (s3 = l.__b) && s3(u3);
  n: if ("function" == typeof F) {
    h3 = e3.length;
    try {
      if (x2 = u3.props, M = F.prototype && F.prototype.render, I2 = (s3 = F.contextType) && i3[s3.__c], P2 = s3 ? I2 ? I2.props.value : s3.__ : i3, t4.__c ? k3 = (p3 = u3.__c = t4.__c).__ = p3.__E : (M ? u3.__c = p3 = new F(x2, P2) : (u3.__c = p3 = new C(x2, P2), p3.constructor = F, p3.render = Q), I2 && I2.sub(p3), p3.state || (p3.state = {}), p3.__n = i3, v3 = p3.__d = true, p3.__h = [], p3._sb = []), M && null == p3.__s && (p3.__s = p3.state), M && null != F.getDerivedStateFromProps && (p3.__s == p3.state && (p3.__s = m({}, p3.__s)), m(p3.__s, F.getDerivedStateFromProps(x2, p3.__s))), y3 = p3.props, d3 = p3.state, p3.__v = u3, v3) M && null == F.getDerivedStateFromProps && null != p3.componentWillMount && p3.componentWillMount(), M && null != p3.componentDidMount && p3.__h.push(p3.componentDidMount);
      else {
        if (M && null == F.getDerivedStateFromProps && x2 !== y3 && null != p3.componentWillReceiveProps && p3.componentWillReceiveProps(x2, P2), u3.__v == t4.__v || !p3.__e && null != p3.shouldComponentUpdate && false === p3.shouldComponentUpdate(x2, p3.__s, P2)) {
          u3.__v != t4.__v && (p3.props = x2, p3.state = p3.__s, p3.__d = false), u3.__e = t4.__e, u3.__k = t4.__k, u3.__k.some(function(n4) {
            n4 && (n4.__ = u3);
          }), w.push.apply(p3.__h, p3._sb), p3._sb = [], p3.__h.length && e3.push(p3), f3 = $(t4);
          break n;
        }
        null != p3.componentWillUpdate && p3.componentWillUpdate(x2, p3.__s, P2), M && null != p3.componentDidUpdate && p3.__h.push(function() {
          p3.componentDidUpdate(y3, d3, _2);
        });
      }
      if (p3.context = P2, p3.props = x2, p3.__P = n3, p3.__e = false, A3 = l.__r, H2 = 0, M) p3.state = p3.__s, p3.__d = false, A3 && A3(u3), s3 = p3.render(p3.props, p3.state, p3.context), w.push.apply(p3.__h, p3._sb), p3._sb = [];
      else do {
        p3.__d = false, A3 && A3(u3), s3 = p3.render(p3.props, p3.state, p3.context), p3.state = p3.__s;
      } while (p3.__d && ++H2 < 25);
      p3.state = p3.__s, null != p3.getChildContext && (i3 = m(m({}, i3), p3.getChildContext())), M && !v3 && null != p3.getSnapshotBeforeUpdate && (_2 = p3.getSnapshotBeforeUpdate(y3, d3)), T3 = null != s3 && s3.type === S && null == s3.key ? E(s3.props.children) : s3, f3 = L(n3, g(T3) ? T3 : [T3], u3, t4, i3, r3, o3, e3, f3, c3, a3), p3.base = u3.__e, u3.__u &= -161, p3.__h.length && e3.push(p3), k3 && (p3.__E = p3.__ = null);
    } catch (n4) {
      if (e3.length = h3, u3.__v = null, c3 || null != o3) {
        if (n4.then) {
          for (u3.__u |= c3 ? 160 : 128; f3 && 8 == f3.nodeType && f3.nextSibling; ) f3 = f3.nextSibling;
          null != o3 && (o3[o3.indexOf(f3)] = null), u3.__e = f3;
        } else if (null != o3) for (j3 = o3.length; j3--; ) b(o3[j3]);
      } else u3.__e = t4.__e;
      null == u3.__k && (u3.__k = t4.__k || []), n4.then || B(u3), l.__e(n4, u3, t4);
    }
  } else null == o3 && u3.__v == t4.__v ? (u3.__k = t4.__k, u3.__e = t4.__e) : f3 = u3.__e = G(t4.__e, u3, t4, i3, r3, o3, e3, c3, a3);
  return (s3 = l.diffed) && s3(u3), 128 & u3.__u ? void 0 : f3;
}
function B(n3) {
  n3 && (n3.__c && (n3.__c.__e = true), n3.__k && n3.__k.some(B));
}
function D(n3, u3, t4) {
  for (var i3 = 0; i3 < t4.length; i3++) J(t4[i3], t4[++i3], t4[++i3]);
  l.__c && l.__c(u3, n3), n3.some(function(u4) {
    try {
      n3 = u4.__h, u4.__h = [], n3.some(function(n4) {
        n4.call(u4);
      });
    } catch (n4) {
      l.__e(n4, u4.__v);
    }
  });
}
function E(n3) {
  return "object" != typeof n3 || null == n3 || n3.__b > 0 ? n3 : g(n3) ? n3.map(E) : void 0 !== n3.constructor ? null : m({}, n3);
}
function G(u3, t4, i3, r3, o3, e3, f3, c3, a3) {
  var s3, h3, p3, v3, y3, w3, _2, m3 = i3.props || d, k3 = t4.props, x2 = t4.type;
  if ("svg" == x2 ? o3 = "http://www.w3.org/2000/svg" : "math" == x2 ? o3 = "http://www.w3.org/1998/Math/MathML" : o3 || (o3 = "http://www.w3.org/1999/xhtml"), null != e3) {
    for (s3 = 0; s3 < e3.length; s3++) if ((y3 = e3[s3]) && "setAttribute" in y3 == !!x2 && (x2 ? y3.localName == x2 : 3 == y3.nodeType)) {
      u3 = y3, e3[s3] = null;
      break;
    }
  }
  if (null == u3) {
    if (null == x2) return document.createTextNode(k3);
    u3 = document.createElementNS(o3, x2, k3.is && k3), c3 && (l.__m && l.__m(t4, e3), c3 = false), e3 = null;
  }
  if (null == x2) m3 === k3 || c3 && u3.data == k3 || (u3.data = k3);
  else {
    if (e3 = "textarea" == x2 && null != k3.defaultValue ? null : e3 && n2.call(u3.childNodes), !c3 && null != e3) for (m3 = {}, s3 = 0; s3 < u3.attributes.length; s3++) m3[(y3 = u3.attributes[s3]).name] = y3.value;
    for (s3 in m3) y3 = m3[s3], "dangerouslySetInnerHTML" == s3 ? p3 = y3 : "children" == s3 || s3 in k3 || "value" == s3 && "defaultValue" in k3 || "checked" == s3 && "defaultChecked" in k3 || N(u3, s3, null, y3, o3);
    for (s3 in k3) y3 = k3[s3], "children" == s3 ? v3 = y3 : "dangerouslySetInnerHTML" == s3 ? h3 = y3 : "value" == s3 ? w3 = y3 : "checked" == s3 ? _2 = y3 : c3 && "function" != typeof y3 || m3[s3] === y3 || N(u3, s3, y3, m3[s3], o3);
    if (h3) c3 || p3 && (h3.__html == p3.__html || h3.__html == u3.innerHTML) || (u3.innerHTML = h3.__html), t4.__k = [];
    else if (p3 && (u3.innerHTML = ""), L("template" == t4.type ? u3.content : u3, g(v3) ? v3 : [v3], t4, i3, r3, "foreignObject" == x2 ? "http://www.w3.org/1999/xhtml" : o3, e3, f3, e3 ? e3[0] : i3.__k && $(i3, 0), c3, a3), null != e3) for (s3 = e3.length; s3--; ) b(e3[s3]);
    c3 && "textarea" != x2 || (s3 = "value", "progress" == x2 && null == w3 ? u3.removeAttribute("value") : null != w3 && (w3 !== u3[s3] || "progress" == x2 && !w3 || "option" == x2 && w3 != m3[s3]) && N(u3, s3, w3, m3[s3], o3), s3 = "checked", null != _2 && _2 != u3[s3] && N(u3, s3, _2, m3[s3], o3));
  }
  return u3;
}
function J(n3, u3, t4) {
  try {
    if ("function" == typeof n3) {
      var i3 = "function" == typeof n3.__u;
      i3 && n3.__u(), i3 && null == u3 || (n3.__u = n3(u3));
    } else n3.current = u3;
  } catch (n4) {
    l.__e(n4, t4);
  }
}
function K(n3, u3, t4) {
  var i3, r3;
  if (l.unmount && l.unmount(n3), (i3 = n3.ref) && (i3.current && i3.current != n3.__e || J(i3, null, u3)), null != (i3 = n3.__c)) {
    if (i3.componentWillUnmount) try {
      i3.componentWillUnmount();
    } catch (n4) {
      l.__e(n4, u3);
    }
    i3.base = i3.__P = i3.__n = null;
  }
  if (i3 = n3.__k) for (r3 = 0; r3 < i3.length; r3++) i3[r3] && K(i3[r3], u3, t4 || "function" != typeof n3.type);
  t4 || b(n3.__e), n3.__c = n3.__ = n3.__e = void 0;
}
function Q(n3, l3, u3) {
  return this.constructor(n3, u3);
}
function R(u3, t4, i3) {
  var r3, o3, e3, f3;
  t4 == document && (t4 = document.documentElement), l.__ && l.__(u3, t4), o3 = (r3 = "function" == typeof i3) ? null : i3 && i3.__k || t4.__k, e3 = [], f3 = [], q(t4, u3 = (!r3 && i3 || t4).__k = k(S, null, [u3]), o3 || d, d, t4.namespaceURI, !r3 && i3 ? [i3] : o3 ? null : t4.firstChild ? n2.call(t4.childNodes) : null, e3, !r3 && i3 ? i3 : o3 ? o3.__e : t4.firstChild, r3, f3), D(e3, u3, f3), u3.props.children = null;
}
n2 = w.slice, l = { __e: function(n3, l3, u3, t4) {
  for (var i3, r3, o3; l3 = l3.__; ) if ((i3 = l3.__c) && !i3.__) try {
    if ((r3 = i3.constructor) && null != r3.getDerivedStateFromError && (i3.setState(r3.getDerivedStateFromError(n3)), o3 = i3.__d), null != i3.componentDidCatch && (i3.componentDidCatch(n3, t4 || {}), o3 = i3.__d), o3) return i3.__E = i3;
  } catch (l4) {
    n3 = l4;
  }
  throw n3;
} }, u = 0, t2 = function(n3) {
  return null != n3 && void 0 === n3.constructor;
}, C.prototype.setState = function(n3, l3) {
  var u3;
  u3 = null != this.__s && this.__s != this.state ? this.__s : this.__s = m({}, this.state), "function" == typeof n3 && (n3 = n3(m({}, u3), this.props)), n3 && m(u3, n3), null != n3 && this.__v && (l3 && this._sb.push(l3), A(this));
}, C.prototype.forceUpdate = function(n3) {
  this.__v && (this.__e = true, n3 && this.__h.push(n3), A(this));
}, C.prototype.render = S, i = [], o = "function" == typeof Promise ? Promise.prototype.then.bind(Promise.resolve()) : setTimeout, e = function(n3, l3) {
  return n3.__v.__b - l3.__v.__b;
}, H.__r = 0, f = Math.random().toString(8), c = "__d" + f, a = "__a" + f, s = /(PointerCapture)$|Capture$/i, h = 0, p = V(false), v = V(true), y = 0;

// virtool_api/web/static/vendor/preact-10.29.8/hooks.module.js
var t3;
var r2;
var u2;
var i2;
var o2 = 0;
var f2 = [];
var c2 = l;
var e2 = c2.__b;
var a2 = c2.__r;
var v2 = c2.diffed;
var l2 = c2.__c;
var m2 = c2.unmount;
var p2 = c2.__;
function s2(n3, t4) {
  c2.__h && c2.__h(r2, n3, o2 || t4), o2 = 0;
  var u3 = r2.__H || (r2.__H = { __: [], __h: [] });
  return n3 >= u3.__.length && u3.__.push({}), u3.__[n3];
}
function d2(n3) {
  return o2 = 1, y2(D2, n3);
}
function y2(n3, u3, i3) {
  var o3 = s2(t3++, 2);
  if (o3.t = n3, !o3.__c && (o3.__ = [i3 ? i3(u3) : D2(void 0, u3), function(n4) {
    var t4 = o3.__N ? o3.__N[0] : o3.__[0], r3 = o3.t(t4, n4);
    t4 !== r3 && (o3.__N = [r3, o3.__[1]], o3.__c.setState({}));
  }], o3.__c = r2, !r2.__f)) {
    var f3 = function(n4, t4, r3) {
      if (!o3.__c.__H) return true;
      var u4 = false, i4 = o3.__c.props !== n4;
      if (o3.__c.__H.__.some(function(n5) {
        if (n5.__N) {
          u4 = true;
          var t5 = n5.__[0];
          n5.__ = n5.__N, n5.__N = void 0, t5 !== n5.__[0] && (i4 = true);
        }
      }), c3) {
        var f4 = c3.call(this, n4, t4, r3);
        return u4 ? f4 || i4 : f4;
      }
      return !u4 || i4;
    };
    r2.__f = true;
    var c3 = r2.shouldComponentUpdate, e3 = r2.componentWillUpdate;
    r2.componentWillUpdate = function(n4, t4, r3) {
      if (this.__e) {
        var u4 = c3;
        c3 = void 0, f3(n4, t4, r3), c3 = u4;
      }
      e3 && e3.call(this, n4, t4, r3);
    }, r2.shouldComponentUpdate = f3;
  }
  return o3.__N || o3.__;
}
function h2(n3, u3) {
  var i3 = s2(t3++, 3);
  !c2.__s && C2(i3.__H, u3) && (i3.__ = n3, i3.u = u3, r2.__H.__h.push(i3));
}
function A2(n3) {
  return o2 = 5, T2(function() {
    return { current: n3 };
  }, []);
}
function T2(n3, r3) {
  var u3 = s2(t3++, 7);
  return C2(u3.__H, r3) && (u3.__ = n3(), u3.__H = r3, u3.__h = n3), u3.__;
}
function q2(n3, t4) {
  return o2 = 8, T2(function() {
    return n3;
  }, t4);
}
function j2() {
  for (var n3; n3 = f2.shift(); ) {
    var t4 = n3.__H;
    if (n3.__P && t4) try {
      t4.__h.some(z2), t4.__h.some(B2), t4.__h = [];
    } catch (r3) {
      t4.__h = [], c2.__e(r3, n3.__v);
    }
  }
}
c2.__b = function(n3) {
  r2 = null, e2 && e2(n3);
}, c2.__ = function(n3, t4) {
  n3 && t4.__k && t4.__k.__m && (n3.__m = t4.__k.__m), p2 && p2(n3, t4);
}, c2.__r = function(n3) {
  a2 && a2(n3), t3 = 0;
  var i3 = (r2 = n3.__c).__H;
  i3 && (u2 === r2 ? (i3.__h = [], r2.__h = [], i3.__.some(function(n4) {
    n4.__N && (n4.__ = n4.__N), n4.u = n4.__N = void 0;
  })) : (i3.__h.some(z2), i3.__h.some(B2), i3.__h = [], t3 = 0)), u2 = r2;
}, c2.diffed = function(n3) {
  v2 && v2(n3);
  var t4 = n3.__c;
  t4 && t4.__H && (t4.__H.__h.length && (1 !== f2.push(t4) && i2 === c2.requestAnimationFrame || ((i2 = c2.requestAnimationFrame) || w2)(j2)), t4.__H.__.some(function(n4) {
    n4.u && (n4.__H = n4.u, n4.u = void 0);
  })), u2 = r2 = null;
}, c2.__c = function(n3, t4) {
  t4.some(function(n4) {
    try {
      n4.__h.some(z2), n4.__h = n4.__h.filter(function(n5) {
        return !n5.__ || B2(n5);
      });
    } catch (r3) {
      t4.some(function(n5) {
        n5.__h && (n5.__h = []);
      }), t4 = [], c2.__e(r3, n4.__v);
    }
  }), l2 && l2(n3, t4);
}, c2.unmount = function(n3) {
  m2 && m2(n3);
  var t4, r3 = n3.__c;
  r3 && r3.__H && (r3.__H.__.some(function(n4) {
    try {
      z2(n4);
    } catch (n5) {
      t4 = n5;
    }
  }), r3.__H = void 0, t4 && c2.__e(t4, r3.__v));
};
var k2 = "function" == typeof requestAnimationFrame;
function w2(n3) {
  var t4, r3 = function() {
    clearTimeout(u3), k2 && cancelAnimationFrame(t4), setTimeout(n3);
  }, u3 = setTimeout(r3, 35);
  k2 && (t4 = requestAnimationFrame(r3));
}
function z2(n3) {
  var t4 = r2, u3 = n3.__c;
  "function" == typeof u3 && (n3.__c = void 0, u3()), r2 = t4;
}
function B2(n3) {
  var t4 = r2;
  n3.__c = n3.__(), r2 = t4;
}
function C2(n3, t4) {
  return !n3 || n3.length !== t4.length || t4.some(function(t5, r3) {
    return t5 !== n3[r3];
  });
}
function D2(n3, t4) {
  return "function" == typeof t4 ? t4(n3) : t4;
}

// virtool_api/web/client/html.js
var html = htm_module_default.bind(k);

// virtool_api/web/client/live.js
var listeners = /* @__PURE__ */ new Set();
var source = null;
function startLive() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/events");
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    for (const listener of listeners) listener(change);
  });
  source.addEventListener("reset", () => {
    for (const listener of listeners) listener(null);
  });
}
function stopLive() {
  source?.close();
  source = null;
}
function useLive(resource, id, onChange, active = true) {
  const saved = A2(onChange);
  saved.current = onChange;
  h2(() => {
    if (!active) return void 0;
    let timer = null;
    const listener = (change) => {
      const relevant = change === null || (resource === "*" || [].concat(resource).includes(change.resource)) && (!id || change.id === id);
      if (!relevant || timer) return;
      timer = setTimeout(() => {
        timer = null;
        saved.current();
      }, 300);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      clearTimeout(timer);
    };
  }, [String(resource), id, active]);
}

// virtool_api/web/client/ui.js
function useResource(path, query) {
  const [state, setState] = d2({ data: null, error: null, loading: true });
  const key = path === null ? null : path + JSON.stringify(query || {});
  const latest = A2(key);
  const load = q2(async () => {
    if (key === null) return;
    latest.current = key;
    try {
      const data = await get(path, query);
      if (latest.current === key) setState({ data, error: null, loading: false });
    } catch (error) {
      if (latest.current === key) setState((old) => ({ data: old.data, error, loading: false }));
    }
  }, [key]);
  h2(() => {
    setState((old) => ({ ...old, loading: true }));
    load();
  }, [load]);
  return { ...state, reload: load, setData: (data) => setState({ data, error: null, loading: false }) };
}
function usePoll(tick, interval, active) {
  const saved = A2(tick);
  saved.current = tick;
  h2(() => {
    if (!active) return void 0;
    const timer = setInterval(() => saved.current(), interval);
    return () => clearInterval(timer);
  }, [active, interval]);
}
function ErrorMessage({ error, title }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${title ? html`<strong>${title}: </strong>` : null}${messageOf(error)}</div>`;
}
function Loading({ what = "" }) {
  return html`<p class="loading" aria-live="polite">Loading${what ? ` ${what}` : ""}…</p>`;
}
function Resource({ resource, what, children }) {
  if (resource.data === null && resource.error) return html`<${ErrorMessage} error=${resource.error} />`;
  if (resource.data === null) return html`<${Loading} what=${what} />`;
  return html`${resource.error ? html`<${ErrorMessage} error=${resource.error} />` : null}${children(resource.data)}`;
}
function Pager({ page, pageCount, onPage, label = "pages" }) {
  if (!pageCount || pageCount <= 1) return null;
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(1)}>« First</button>
    <button type="button" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>‹ Previous</button>
    <span>Page ${page} of ${pageCount}</span>
    <button type="button" disabled=${page >= pageCount} onClick=${() => onPage(page + 1)}>Next ›</button>
    <button type="button" disabled=${page >= pageCount} onClick=${() => onPage(pageCount)}>Last »</button>
  </nav>`;
}
var STATE_CLASSES = {
  complete: "ok",
  available: "ok",
  ready: "ok",
  running: "busy",
  preparing: "busy",
  importing: "busy",
  waiting: "wait",
  awaiting_data: "wait",
  pending: "busy",
  error: "bad",
  failed_validation: "bad",
  cancelled: "bad",
  terminated: "bad",
  timeout: "bad"
};
function Badge({ state, children }) {
  return html`<span class=${`badge ${STATE_CLASSES[state] || ""}`}>${children || String(state).replace(/_/g, " ")}</span>`;
}
function Progress({ value, label }) {
  const percent3 = Math.max(0, Math.min(100, Math.round(value || 0)));
  return html`<span class="progress-wrap"><progress max="100" value=${percent3} aria-label=${label || "progress"}>${percent3}%</progress> <span class="progress-text">${percent3}%</span></span>`;
}
function LabelChip({ label }) {
  return html`<span class="label-chip" style=${{ borderColor: label.color }}><span class="dot" style=${{ background: label.color }}></span>${label.name}</span>`;
}
function formatBytes(bytes) {
  if (bytes === null || bytes === void 0) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
function formatDate(text) {
  if (!text) return "—";
  const date = new Date(text);
  return date.toLocaleString(void 0, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit"
  });
}
function formatNumber(value, digits = 0) {
  if (value === null || value === void 0 || Number.isNaN(Number(value))) return "—";
  return Number(value).toLocaleString(void 0, { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
function Field({ id, label, hint, children }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}${hint ? html`<small class="hint">${hint}</small>` : null}</div>`;
}
function ActionButton({ action, children, className = "", confirm: question, disabled, ...rest }) {
  const [busy, setBusy] = d2(false);
  const [error, setError] = d2(null);
  const run = async () => {
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action"><button type="button" class=${className} disabled=${busy || disabled} onClick=${run} ...${rest}>${busy ? "Working…" : children}</button>${error ? html`<${ErrorMessage} error=${error} />` : null}</span>`;
}
function CheckList({ name, options, selected, onChange, empty = "None available" }) {
  if (!options.length) return html`<p class="muted">${empty}</p>`;
  const toggle = (id) => onChange(selected.includes(id) ? selected.filter((item) => item !== id) : [...selected, id]);
  return html`<div class="checklist" role="group" aria-label=${name}>
    ${options.map((option) => html`<label key=${option.id}><input type="checkbox" checked=${selected.includes(option.id)} onChange=${() => toggle(option.id)} /> ${option.name}</label>`)}
  </div>`;
}
function CopyButton({ text }) {
  const [done, setDone] = d2(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
    } catch {
      setDone(false);
    }
  };
  return html`<button type="button" onClick=${copy}>${done ? "Copied" : "Copy"}</button>`;
}
function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

// virtool_api/web/client/pages/account.js
function PasswordForm({ account, onAccount }) {
  const [form, setForm] = d2({ old_password: "", password: "", confirm: "" });
  const [error, setError] = d2(null);
  const [done, setDone] = d2(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    setDone(false);
    if (form.password !== form.confirm) {
      setError(new ApiError(400, { message: "The two new passwords differ." }));
      return;
    }
    setError(null);
    const body = { password: form.password };
    if (account.has_password) body.old_password = form.old_password;
    try {
      onAccount(await patch("/account", body));
      setForm({ old_password: "", password: "", confirm: "" });
      setDone(true);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="change password">
    <h2>${account.has_password ? "Change password" : "Set a password"}</h2>
    ${account.has_password ? html`<${Field} id="old-password" label="Current password"><input id="old-password" type="password" autocomplete="current-password" required value=${form.old_password} onInput=${set("old_password")} /><//>` : null}
    <${Field} id="new-password" label="New password" hint="At least 8 characters, not containing your handle. Your other sessions end."><input id="new-password" type="password" autocomplete="new-password" required minlength="8" value=${form.password} onInput=${set("password")} /><//>
    <${Field} id="confirm-password" label="New password again"><input id="confirm-password" type="password" autocomplete="new-password" required value=${form.confirm} onInput=${set("confirm")} /><//>
    <${ErrorMessage} error=${error} />
    ${done ? html`<p class="saved" role="status">Password changed; your other sessions have ended.</p>` : null}
    <button type="submit" class="primary">${account.has_password ? "Change password" : "Set password"}</button>
  </form>`;
}
function ApiKeys() {
  const keys = useResource("/account/keys");
  const [name, setName] = d2("");
  const [created, setCreated] = d2(null);
  const [error, setError] = d2(null);
  const create = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await post("/account/keys", { name }));
      setName("");
      keys.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div class="card">
    <h2>API keys</h2>
    <p class="muted">Scripts send a key as <code>${"X-API-Key: <key>"}</code>. A key is shown only once, when it is made.</p>
    ${created ? html`<div class="new-key" role="status"><p>New key <strong>${created.name}</strong>: copy it now, it will not be shown again.</p>
      <code class="key" id="new-key-value">${created.key}</code> <${CopyButton} text=${created.key} /> <button type="button" onClick=${() => setCreated(null)}>Done</button></div>` : null}
    <${Resource} resource=${keys} what="keys">
      ${(list) => list.length === 0 ? html`<${Empty}>No API keys.<//>` : html`<table class="list keys-table"><thead><tr><th>Name</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
    (key) => html`<tr key=${key.id}><td>${key.name}</td><td>${formatDate(key.created_at)}</td>
          <td><${ActionButton} className="danger" confirm=${`Revoke the key “${key.name}”? Scripts using it stop working.`} action=${async () => {
      await remove(`/account/keys/${key.id}`);
      keys.reload();
    }}>Revoke</${ActionButton}></td></tr>`
  )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${create} aria-label="new API key">
      <label for="key-name">Name</label>
      <input id="key-name" required maxlength="100" placeholder="e.g. nightly export" value=${name} onInput=${(e3) => setName(e3.target.value)} />
      <button type="submit">Create key</button>
    </form>
    <${ErrorMessage} error=${error} />
  </div>`;
}
function AccountPage({ account, onAccount }) {
  return html`<section>
    <h1>Account</h1>
    <dl class="facts"><dt>Handle</dt><dd>${account.handle}</dd><dt>Role</dt><dd>${account.administrator ? "administrator" : "user"}</dd>
      <dt>Groups</dt><dd>${account.groups.length ? account.groups.map((group) => group.name).join(", ") : "none"}</dd></dl>
    <div class="columns"><${PasswordForm} account=${account} onAccount=${onAccount} /><${ApiKeys} /></div>
  </section>`;
}

// virtool_api/web/client/pages/administration.js
var SECTIONS = [
  ["users", "Users"],
  ["groups", "Groups"],
  ["labels", "Labels"],
  ["settings", "Settings"]
];
function UserRow({ user, groups, self, onChanged }) {
  const [password, setPassword] = d2("");
  const [editing, setEditing] = d2(false);
  const [error, setError] = d2(null);
  const change = async (body) => {
    setError(null);
    try {
      onChanged(await patch(`/users/${user.id}`, body));
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    }
  };
  return html`<tr>
    <td>${user.handle}${self ? html` <span class="muted">(you)</span>` : null}</td>
    <td><input type="checkbox" aria-label=${`${user.handle} is an administrator`} checked=${user.administrator} disabled=${self} onChange=${(e3) => change({ administrator: e3.target.checked })} /></td>
    <td><input type="checkbox" aria-label=${`${user.handle} is active`} checked=${user.active} disabled=${self} onChange=${(e3) => change({ active: e3.target.checked })} /></td>
    <td><${CheckList} name=${`groups of ${user.handle}`} options=${groups} selected=${user.groups.map((group) => group.id)} onChange=${(ids) => change({ groups: ids })} empty="No groups" /></td>
    <td>${user.has_password ? "set" : html`<span class="muted">none</span>`}
      ${editing ? html`<form class="inline-form" onSubmit=${async (e3) => {
    e3.preventDefault();
    if (await change({ password })) {
      setPassword("");
      setEditing(false);
    }
  }}>
            <label class="sr-only" for=${`password-${user.id}`}>New password for ${user.handle}</label>
            <input id=${`password-${user.id}`} type="password" autocomplete="new-password" minlength="8" required value=${password} onInput=${(e3) => setPassword(e3.target.value)} />
            <button type="submit">Set</button><button type="button" onClick=${() => setEditing(false)}>Cancel</button></form>` : html` <button type="button" class="link" onClick=${() => setEditing(true)}>${user.has_password ? "Reset" : "Set"}</button>`}
      <${ErrorMessage} error=${error} /></td>
    <td>${formatDate(user.created_at)}</td>
    <td>${self ? null : html`<${ActionButton} className="danger" confirm=${`Remove ${user.handle}? Their keys and sessions end; what they own stays.`} action=${async () => {
    await remove(`/users/${user.id}`);
    onChanged(null);
  }}>Remove</${ActionButton}>`}</td>
  </tr>`;
}
function Users({ account }) {
  const users = useResource("/users");
  const groups = useResource("/groups");
  const [handle, setHandle] = d2("");
  const [administrator, setAdministrator] = d2(false);
  const [created, setCreated] = d2(null);
  const [error, setError] = d2(null);
  const create = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await post("/users", { handle, administrator }));
      setHandle("");
      users.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${Resource} resource=${users} what="users">
      ${(list) => html`<table class="list users-table"><thead><tr><th>Handle</th><th>Administrator</th><th>Active</th><th>Groups</th><th>Password</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${list.map((user) => html`<${UserRow} key=${user.id} user=${user} groups=${groups.data || []} self=${user.id === account.id} onChanged=${() => users.reload()} />`)}</tbody></table>`}
    <//>
    <form class="card" onSubmit=${create} aria-label="new user">
      <h2>New user</h2>
      <${Field} id="user-handle" label="Handle" hint="Letters, digits, _ . -"><input id="user-handle" required maxlength="64" pattern="[A-Za-z0-9_.\\-]+" value=${handle} onInput=${(e3) => setHandle(e3.target.value)} /><//>
      <label class="inline"><input type="checkbox" checked=${administrator} onChange=${(e3) => setAdministrator(e3.target.checked)} /> Administrator</label>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary">Create user</button>
      ${created ? html`<div class="new-key" role="status"><p>Created <strong>${created.handle}</strong>. Their first API key, shown only now:</p>
        <code class="key">${created.key}</code> <${CopyButton} text=${created.key} /><p class="muted">Set a password in the table above for them to sign in here.</p></div>` : null}
    </form>
  </div>`;
}
function Groups() {
  const groups = useResource("/groups");
  const [name, setName] = d2("");
  const [error, setError] = d2(null);
  const act = async (action) => {
    setError(null);
    try {
      await action();
      groups.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${ErrorMessage} error=${error} />
    <${Resource} resource=${groups} what="groups">
      ${(list) => list.length === 0 ? html`<${Empty}>No groups.<//>` : html`<table class="list"><thead><tr><th>Name</th><th>Restrict sharing</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
    (group) => html`<tr key=${group.id}><td>${group.name}</td>
          <td><input type="checkbox" aria-label=${`${group.name} restricts sharing`} checked=${group.restrict_sharing} onChange=${(e3) => act(() => patch(`/groups/${group.id}`, { restrict_sharing: e3.target.checked }))} /></td>
          <td>${formatDate(group.created_at)}</td>
          <td><${ActionButton} className="danger" confirm=${`Remove the group ${group.name}?`} action=${() => act(() => remove(`/groups/${group.id}`))}>Remove</${ActionButton}></td></tr>`
  )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${(e3) => {
    e3.preventDefault();
    act(async () => {
      await post("/groups", { name });
      setName("");
    });
  }} aria-label="new group">
      <label for="group-name">New group</label><input id="group-name" required value=${name} onInput=${(e3) => setName(e3.target.value)} /><button type="submit">Create group</button>
    </form>
  </div>`;
}
function Labels() {
  const labels = useResource("/labels");
  const [form, setForm] = d2({ name: "", color: "#1d6f5f", description: "" });
  const [error, setError] = d2(null);
  const act = async (action) => {
    setError(null);
    try {
      await action();
      labels.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<div>
    <${ErrorMessage} error=${error} />
    <${Resource} resource=${labels} what="labels">
      ${(list) => list.length === 0 ? html`<${Empty}>No labels.<//>` : html`<table class="list"><thead><tr><th>Label</th><th>Description</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
        ${list.map(
    (label) => html`<tr key=${label.id}><td><${LabelChip} label=${label} /></td><td>${label.description}</td>
          <td><${ActionButton} className="danger" confirm=${`Remove the label ${label.name} from every sample?`} action=${() => act(() => remove(`/labels/${label.id}`))}>Remove</${ActionButton}></td></tr>`
  )}
      </tbody></table>`}
    <//>
    <form class="inline-form" onSubmit=${(e3) => {
    e3.preventDefault();
    act(async () => {
      await post("/labels", form);
      setForm({ ...form, name: "", description: "" });
    });
  }} aria-label="new label">
      <label for="label-name">Name</label><input id="label-name" required value=${form.name} onInput=${(e3) => setForm({ ...form, name: e3.target.value })} />
      <label for="label-color">Colour</label><input id="label-color" type="color" value=${form.color} onInput=${(e3) => setForm({ ...form, color: e3.target.value.toUpperCase() })} />
      <label for="label-description">Description</label><input id="label-description" value=${form.description} onInput=${(e3) => setForm({ ...form, description: e3.target.value })} />
      <button type="submit">Create label</button>
    </form>
  </div>`;
}
function Settings() {
  const settings = useResource("/settings");
  const [error, setError] = d2(null);
  return html`<${Resource} resource=${settings} what="settings">
    ${(data) => html`<div class="card">
      <label class="inline"><input type="checkbox" id="setting-restrict-sharing" checked=${data.restrict_sharing}
        onChange=${async (e3) => {
    setError(null);
    try {
      settings.setData(await patch("/settings", { restrict_sharing: e3.target.checked }));
    } catch (caught) {
      setError(caught);
    }
  }} />
        Restrict sharing: no sample may be made shared or public</label>
      <${ErrorMessage} error=${error} />
    </div>`}
  <//>`;
}
function AdministrationPage({ params, account }) {
  if (!account.administrator)
    return html`<section><h1>Administration</h1><p>Only administrators manage users, groups and settings.</p></section>`;
  const section = params.section || "users";
  return html`<section>
    <h1>Administration</h1>
    <nav class="tabs" aria-label="administration">
      ${SECTIONS.map(([key, text]) => html`<a key=${key} href=${`/administration/${key}`} class=${section === key ? "active" : ""} aria-current=${section === key ? "page" : void 0}>${text}</a>`)}
    </nav>
    ${section === "users" ? html`<${Users} account=${account} />` : null}
    ${section === "groups" ? html`<${Groups} />` : null}
    ${section === "labels" ? html`<${Labels} />` : null}
    ${section === "settings" ? html`<${Settings} />` : null}
  </section>`;
}

// virtool_api/web/client/router.js
var listeners2 = /* @__PURE__ */ new Set();
function notify() {
  for (const listener of listeners2) listener(location.pathname + location.search);
}
window.addEventListener("popstate", notify);
function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
  if (!replace) window.scrollTo(0, 0);
}
function useLocation() {
  const [current, setCurrent] = d2(location.pathname + location.search);
  h2(() => {
    listeners2.add(setCurrent);
    return () => listeners2.delete(setCurrent);
  }, []);
  const [path, search = ""] = current.split("?");
  return { path, search, query: Object.fromEntries(new URLSearchParams(search)) };
}
function setQuery(query, { replace = true } = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== void 0 && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  navigate(location.pathname + (text ? `?${text}` : ""), { replace });
}
function match(pattern, path) {
  const parts = pattern.split("/").filter(Boolean);
  const segments = path.split("/").filter(Boolean);
  const params = {};
  let index = 0;
  for (const part of parts) {
    const optional = part.endsWith("?");
    const name = optional ? part.slice(0, -1) : part;
    const segment = segments[index];
    if (name.startsWith(":")) {
      if (segment === void 0) {
        if (optional) continue;
        return null;
      }
      params[name.slice(1)] = decodeURIComponent(segment);
    } else if (segment !== name) {
      return null;
    }
    index += 1;
  }
  return index === segments.length ? params : null;
}
function interceptLinks() {
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    const anchor = event.target.closest("a[href]");
    if (!anchor || anchor.target || anchor.hasAttribute("download") || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith("/api/") || anchor.pathname === "/docs" || anchor.pathname.startsWith("/static/"))
      return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
}

// virtool_api/web/client/pages/pathoscope.js
var PATHOSCOPE_SORTS = [
  ["weight", "Weight"],
  ["reads", "Reads"],
  ["coverage", "Coverage"],
  ["depth", "Depth"],
  ["name", "Name"]
];
var FILTERS = ["find", "sort", "order", "min_weight", "min_reads", "min_coverage", "min_depth"];
function reportQuery(query, keys) {
  return Object.fromEntries(
    keys.filter((key) => query[key] !== void 0 && query[key] !== "").map((key) => [key, query[key]])
  );
}
var percent = (value) => `${Number(value).toFixed(2)}%`;
function CoverageTrack({ track, label }) {
  if (!track || track.length === 0) return html`<span class="muted">no depths</span>`;
  const width = 200;
  const height = 28;
  const top2 = Math.max(...track, 1);
  const step = track.length > 1 ? width / (track.length - 1) : width;
  const points = track.map(
    (depth, index) => `${(index * step).toFixed(1)},${(height - depth / top2 * height).toFixed(1)}`
  );
  return html`<svg class="coverage-track" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label=${label}>
    <title>${label}</title>
    <polygon points=${`0,${height} ${points.join(" ")} ${width},${height}`} />
  </svg>`;
}
function Sequences({ otu }) {
  return html`<table class="list inner sequences">
    <caption>Isolates and sequences of ${otu.name}</caption>
    <thead><tr><th scope="col">Isolate</th><th scope="col">Accession</th><th scope="col">Definition</th><th scope="col">Length</th><th scope="col">Weight</th><th scope="col">Best hit</th><th scope="col">Reads</th><th scope="col">Coverage</th><th scope="col">Depth</th><th scope="col">Coverage along the sequence</th></tr></thead>
    <tbody>${otu.isolates.flatMap(
    (isolate) => isolate.sequences.map(
      (sequence) => html`<tr key=${`${isolate.id}-${sequence.id}`} class="sequence-row">
          <td>${isolate.name}${isolate.default ? html` <span class="muted">(default)</span>` : null}</td>
          <td>${sequence.accession}</td><td>${sequence.definition}</td><td>${formatNumber(sequence.length)}</td>
          <td>${percent(sequence.weight)}</td><td>${percent(sequence.best)}</td><td>${formatNumber(sequence.reads)}</td>
          <td>${percent(sequence.coverage)}</td><td>${Number(sequence.depth).toFixed(1)}</td>
          <td><${CoverageTrack} track=${sequence.track} label=${`Depth along ${sequence.accession}, highest ${Math.max(0, ...sequence.track)}`} /></td>
        </tr>`
    )
  )}</tbody>
  </table>`;
}
function Filters({ query, analysisId }) {
  const [find, setFind] = d2(query.find || "");
  const change = (key) => (event) => setQuery({ ...query, [key]: event.target.value });
  const number = (key, label, unit) => html`<label for=${`filter-${key}`}>${label}
    <input id=${`filter-${key}`} type="number" min="0" step="any" inputmode="decimal" value=${query[key] || ""} onChange=${change(key)} />${unit ? html` <span class="muted">${unit}</span>` : null}</label>`;
  const exported = queryString(reportQuery(query, FILTERS));
  return html`<form class="filters report-filters" role="search" onSubmit=${(event) => {
    event.preventDefault();
    setQuery({ ...query, find });
  }}>
    <label for="otu-find">OTU <input id="otu-find" type="search" placeholder="Name or abbreviation" value=${find} onInput=${(event) => setFind(event.target.value)} onChange=${change("find")} /></label>
    <label for="otu-sort">Sort by <select id="otu-sort" value=${query.sort || "weight"} onChange=${change("sort")}>
      ${PATHOSCOPE_SORTS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}</select></label>
    <label for="otu-order">Order <select id="otu-order" value=${query.order || ""} onChange=${change("order")}>
      <option value="">${query.sort === "name" ? "A to Z" : "Highest first"}</option><option value="asc">Ascending</option><option value="desc">Descending</option></select></label>
    ${number("min_weight", "Weight at least", "%")} ${number("min_coverage", "Coverage at least", "%")}
    ${number("min_reads", "Reads at least")} ${number("min_depth", "Depth at least")}
    <span class="exports">Export: <a id="export-csv" href=${`/api/analyses/${analysisId}.csv${exported}`} download>CSV</a> · <a id="export-xlsx" href=${`/api/analyses/${analysisId}.xlsx${exported}`} download>Excel</a></span>
  </form>`;
}
function Pathoscope({ analysis }) {
  const { query } = useLocation();
  const report = useResource(`/analyses/${analysis.id}/report`, reportQuery(query, FILTERS));
  const [open, setOpen] = d2(() => /* @__PURE__ */ new Set());
  const toggle = (id) => {
    const next = new Set(open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setOpen(next);
  };
  return html`<${Filters} query=${query} analysisId=${analysis.id} />
    <${Resource} resource=${report} what="the result">
    ${(data) => html`
      <p class="muted" id="result-counts">${formatNumber(data.read_count)} reads analysed${data.subtracted_count !== null ? `, ${formatNumber(data.subtracted_count)} subtracted` : ""}; ${data.otus.length} OTU${data.otus.length === 1 ? "" : "s"} shown</p>
      ${data.otus.length === 0 ? html`<${Empty}>No OTU matches.<//>` : html`
      <p><button type="button" class="link" id="open-all" onClick=${() => setOpen(open.size === data.otus.length ? /* @__PURE__ */ new Set() : new Set(data.otus.map((otu) => otu.id)))}>${open.size === data.otus.length ? "Close all" : "Open all"}</button></p>
      <table class="list pathoscope-table">
        <caption class="visually-hidden">OTUs detected</caption>
        <thead><tr><th scope="col">OTU</th><th scope="col">Weight</th><th scope="col">Best hit</th><th scope="col">Reads</th><th scope="col">Coverage</th><th scope="col">Depth</th></tr></thead>
        <tbody>${data.otus.map(
    (otu) => html`<tr key=${otu.id} class="otu-row">
              <td><button type="button" class="link" aria-expanded=${open.has(otu.id)} onClick=${() => toggle(otu.id)}>${otu.name}</button>${otu.abbreviation ? html` <span class="muted">${otu.abbreviation}</span>` : null}</td>
              <td>${percent(otu.weight)}</td><td>${percent(otu.best)}</td><td>${formatNumber(otu.reads)}</td>
              <td>${percent(otu.coverage)}</td><td>${Number(otu.depth).toFixed(1)}</td>
            </tr>
            ${open.has(otu.id) ? html`<tr class="detail"><td colspan="6">${otu.in_index ? html`<p><a href=${`/otus/${otu.id}`}>${otu.name} in the reference</a></p>` : null}<${Sequences} otu=${otu} /></td></tr>` : null}`
  )}</tbody>
      </table>`}`}
  <//>`;
}

// virtool_api/web/client/pages/nuvs.js
var SORTS = [
  ["index", "Contig number"],
  ["length", "Length"],
  ["e", "Best E-value"],
  ["orfs", "ORFs"]
];
var FILTERS2 = ["sort", "order", "min_length", "max_e", "with_hits"];
var CLIPPED = { start: "starts before the contig", end: "ends past the contig" };
function clippedText(orf) {
  return orf.clipped.map((end) => CLIPPED[end]).join(" and ");
}
function hitNames(hit) {
  return hit.names.length ? hit.names.join(", ") : `HMM ${hit.hit}`;
}
function ContigMap({ contig }) {
  const width = 800;
  const x2 = (position) => contig.length ? position / contig.length * width : 0;
  const arrow = (orf) => {
    const left = x2(orf.start - 1);
    const right = Math.max(x2(orf.end), left + 1);
    const head = Math.min(10, (right - left) / 2);
    const [top2, bottom] = orf.strand === 1 ? [6, 26] : [54, 74];
    const middle = (top2 + bottom) / 2;
    const headRight = orf.strand === 1 && !orf.clipped.includes("end");
    const headLeft = orf.strand === -1 && !orf.clipped.includes("start");
    const points = [
      headLeft ? `${left},${middle}` : `${left},${top2}`,
      headLeft ? `${left + head},${top2}` : null,
      headRight ? `${right - head},${top2}` : `${right},${top2}`,
      headRight ? `${right},${middle}` : null,
      headRight ? `${right - head},${bottom}` : `${right},${bottom}`,
      headLeft ? `${left + head},${bottom}` : `${left},${bottom}`
    ].filter(Boolean);
    const label = `ORF ${orf.index}, ${orf.strand === 1 ? "plus" : "minus"} strand, ${orf.start}–${orf.end}${orf.clipped.length ? `, clipped: ${clippedText(orf)}` : ""}${orf.hits.length ? `, ${hitNames(orf.hits[0])}` : ""}`;
    return html`<g key=${orf.index} class=${`orf${orf.hits.length ? " with-hits" : ""}${orf.clipped.length ? " clipped" : ""}`}>
      <title>${label}</title>
      <polygon points=${points.join(" ")} />
      ${orf.clipped.includes("start") ? html`<line class="clip-mark" x1=${left + 1} x2=${left + 1} y1=${top2 - 4} y2=${bottom + 4} />` : null}
      ${orf.clipped.includes("end") ? html`<line class="clip-mark" x1=${right - 1} x2=${right - 1} y1=${top2 - 4} y2=${bottom + 4} />` : null}
    </g>`;
  };
  return html`<svg class="contig-map" viewBox=${`0 0 ${width} 80`} preserveAspectRatio="none" role="img" aria-label=${`Contig ${contig.index}: ${contig.length} bases, ${contig.orfs.length} ORFs`}>
    <line class="contig-line" x1="0" x2=${width} y1="40" y2="40" />
    ${contig.orfs.map(arrow)}
  </svg>`;
}
function BlastHits({ blast }) {
  if (blast.error) return html`<div class="error" role="alert">BLAST failed: ${blast.error}</div>`;
  if (!blast.ready) {
    return html`<p class="blast-waiting" aria-live="polite"><span class="spinner" aria-hidden="true"></span> BLAST in progress${blast.rid ? ` (RID ${blast.rid})` : ""}; last checked ${formatDate(blast.last_checked_at)}. The page shows the hits when they arrive.</p>`;
  }
  const hits = blast.result?.hits || [];
  if (hits.length === 0) return html`<p class="muted">BLAST found no similar sequences.</p>`;
  return html`<table class="list blast-hits">
    <caption>BLAST hits (${blast.result.database ? blast.result.database.split("/").pop() : "database"}${blast.result.version ? `, ${blast.result.version}` : ""})</caption>
    <thead><tr><th scope="col">Accession</th><th scope="col">Name</th><th scope="col">E-value</th><th scope="col">Identity</th><th scope="col">Alignment</th><th scope="col">Bit score</th></tr></thead>
    <tbody>${hits.map(
    (hit, index) => html`<tr key=${index}>
      <td>${hit.accession}</td><td>${hit.name || hit.title}</td><td>${Number(hit.evalue).toExponential(2)}</td>
      <td>${hit.align_len ? `${formatNumber(100 * hit.identity / hit.align_len, 1)}%` : "—"}</td>
      <td>${formatNumber(hit.align_len)} bp</td><td>${formatNumber(hit.bit_score, 1)}</td></tr>`
  )}
    </tbody></table>`;
}
function OrfRow({ orf }) {
  return html`<tr class="orf-row">
    <td>${orf.index}</td><td>${orf.strand === 1 ? "+" : "-"}</td><td>${orf.frame}</td>
    <td>${orf.start}–${orf.end}${orf.clipped.length ? html` <span class="badge wait" title=${`Its position in the result runs off the contig (${orf.pos[0]}, ${orf.pos[1]}): shown clipped`}>clipped: ${clippedText(orf)}</span>` : null}</td>
    <td>${orf.length} aa</td>
    <td>${orf.hits.length ? orf.hits.map((hit, index) => html`<div key=${index}><a href=${`/hmms/${hit.hit}`}>${hitNames(hit)}</a> <span class="muted">E ${hit.e_text || "—"}</span></div>`) : html`<span class="muted">none</span>`}</td>
  </tr>`;
}
function Contig({ contig, onBlast }) {
  const [showSequence, setShowSequence] = d2(false);
  return html`<article class="contig card" id=${`contig-${contig.index}`}>
    <header class="contig-head">
      <h3>Contig ${contig.index}</h3>
      <span class="muted">${formatNumber(contig.length)} bp · ${contig.orfs.length} ORF${contig.orfs.length === 1 ? "" : "s"}${contig.best_e_text ? ` · best E ${contig.best_e_text}` : ""}</span>
      <button type="button" class="link" aria-expanded=${showSequence} onClick=${() => setShowSequence(!showSequence)}>${showSequence ? "Hide" : "Show"} sequence</button>
      <${ActionButton} className="blast-button" action=${() => onBlast(contig.index)} aria-label=${`${contig.blast ? "BLAST again" : "BLAST"} contig ${contig.index}`}>${contig.blast ? "BLAST again" : "BLAST"}</${ActionButton}>
    </header>
    <${ContigMap} contig=${contig} />
    ${showSequence ? html`<pre class="sequence" tabindex="0">${contig.sequence}</pre>` : null}
    ${contig.orfs.length ? html`<table class="list orfs"><caption class="visually-hidden">ORFs of contig ${contig.index}</caption><thead><tr><th scope="col">ORF</th><th scope="col">Strand</th><th scope="col">Frame</th><th scope="col">Position</th><th scope="col">Length</th><th scope="col">HMM hits</th></tr></thead>
          <tbody>${contig.orfs.map((orf) => html`<${OrfRow} key=${orf.index} orf=${orf} />`)}</tbody></table>` : null}
    ${contig.blast ? html`<${BlastHits} blast=${contig.blast} />` : null}
  </article>`;
}
function Filters2({ query, analysisId }) {
  const change = (key) => (event) => setQuery({ ...query, [key]: event.target.value });
  const exported = queryString(reportQuery(query, FILTERS2));
  const file = (suffix, extra = "") => `/api/analyses/${analysisId}.${suffix}${exported}${extra && (exported ? "&" : "?")}${extra}`;
  return html`<form class="filters report-filters" onSubmit=${(event) => event.preventDefault()}>
    <label for="contig-sort">Sort by <select id="contig-sort" value=${query.sort || "index"} onChange=${change("sort")}>
      ${SORTS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}</select></label>
    <label for="contig-order">Order <select id="contig-order" value=${query.order || ""} onChange=${change("order")}>
      <option value="">Default</option><option value="asc">Ascending</option><option value="desc">Descending</option></select></label>
    <label for="filter-min_length">Length at least <input id="filter-min_length" type="number" min="0" value=${query.min_length || ""} onChange=${change("min_length")} /> bp</label>
    <label for="filter-max_e">E-value at most <input id="filter-max_e" type="text" inputmode="decimal" placeholder="1e-5" value=${query.max_e || ""} onChange=${change("max_e")} /></label>
    <label class="inline" for="filter-with_hits"><input id="filter-with_hits" type="checkbox" checked=${query.with_hits === "true"} onChange=${(event) => setQuery({ ...query, with_hits: event.target.checked ? "true" : void 0 })} /> Only contigs with HMM hits</label>
    <span class="exports">Export: <a id="export-csv" href=${file("csv")} download>CSV</a> · <a id="export-xlsx" href=${file("xlsx")} download>Excel</a> · FASTA of <a href=${file("fa")} download>contigs</a>, <a href=${file("fa", "sequences=orfs")} download>ORFs</a>, <a href=${file("fa", "sequences=proteins")} download>proteins</a></span>
  </form>`;
}
function Nuvs({ analysis }) {
  const { query } = useLocation();
  const report = useResource(`/analyses/${analysis.id}/report`, reportQuery(query, FILTERS2));
  useLive("analyses", analysis.id, () => report.reload(), blasting(report.data));
  const blast = async (index) => {
    await put(`/analyses/${analysis.id}/${index}/blast`, {});
    await report.reload();
  };
  return html`<${Filters2} query=${query} analysisId=${analysis.id} />
    <${Resource} resource=${report} what="the result">
      ${(data) => html`<p class="muted" id="result-counts">${data.contigs.length} contig${data.contigs.length === 1 ? "" : "s"} shown</p>
        <div class="nuvs">${data.contigs.length === 0 ? html`<${Empty}>No contigs to show.<//>` : data.contigs.map((contig) => html`<${Contig} key=${contig.index} contig=${contig} onBlast=${blast} />`)}</div>`}
    <//>`;
}
function blasting(data) {
  return Boolean(data?.contigs?.some((contig) => contig.blast && !contig.blast.ready && !contig.blast.error));
}

// virtool_api/web/client/pages/charts.js
var UPLOT = "/static/vendor/uplot-1.6.32";
var loading = null;
function loadUplot() {
  if (loading) return loading;
  loading = new Promise((resolve, reject) => {
    const style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = `${UPLOT}/uPlot.min.css`;
    document.head.appendChild(style);
    const script = document.createElement("script");
    script.src = `${UPLOT}/uPlot.iife.min.js`;
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error("The chart library could not be loaded."));
    document.head.appendChild(script);
  });
  return loading;
}
var COLORS = ["#1d6f5f", "#c2571a", "#3562a8", "#9b2f83", "#6b7d1e", "#7a5c3a"];
var WHOLE = [
  1,
  2,
  5,
  10,
  20,
  25,
  50,
  100,
  200,
  250,
  500,
  1e3,
  2e3,
  2500,
  5e3,
  1e4,
  2e4,
  5e4,
  1e5,
  2e5,
  5e5,
  1e6,
  2e6,
  5e6,
  1e7
];
var wholeAxis = (label) => ({
  label,
  incrs: WHOLE,
  values: (_2, splits) => splits.map((value) => value.toLocaleString())
});
function Chart({ title, xLabel, yLabel, x: x2, series, bars = false, wholeY = false }) {
  const target = A2(null);
  const [error, setError] = d2(null);
  h2(() => {
    let chart = null;
    let resize = null;
    let cancelled = false;
    loadUplot().then((uPlot) => {
      if (cancelled || !target.current) return;
      const width = Math.max(320, target.current.clientWidth || 640);
      const paths = bars ? uPlot.paths.bars({ size: [0.8, 40] }) : void 0;
      chart = new uPlot(
        {
          width,
          height: 260,
          scales: { x: { time: false } },
          axes: [wholeAxis(xLabel), wholeY ? wholeAxis(yLabel) : { label: yLabel }],
          series: [
            { label: xLabel },
            ...series.map((item, index) => ({
              label: item.label,
              stroke: COLORS[index % COLORS.length],
              width: 1.5,
              fill: bars ? `${COLORS[index % COLORS.length]}99` : void 0,
              paths
            }))
          ]
        },
        [x2, ...series.map((item) => item.values)],
        target.current
      );
      resize = new ResizeObserver(() => {
        const next = Math.max(320, target.current?.clientWidth || 0);
        if (chart && next !== chart.width) chart.setSize({ width: next, height: 260 });
      });
      resize.observe(target.current);
    }, setError);
    return () => {
      cancelled = true;
      resize?.disconnect();
      if (chart) chart.destroy();
    };
  }, [x2, series]);
  return html`<figure class="chart"><figcaption>${title}</figcaption><div ref=${target} role="img" aria-label=${title}></div>${error ? html`<${ErrorMessage} error=${error} />` : null}</figure>`;
}
function QualityCharts({ quality }) {
  const { positions, baseSeries, nucleotides, scores, counts } = T2(() => {
    const column = (rows, index) => rows.map((row) => row[index]);
    return {
      positions: quality.bases.map((_2, index) => index + 1),
      baseSeries: ["Mean", "Median", "Lower quartile", "Upper quartile", "10th percentile", "90th percentile"].map(
        (label, index) => ({ label, values: column(quality.bases, index) })
      ),
      nucleotides: ["G", "A", "T", "C"].map((label, index) => ({ label, values: column(quality.composition, index) })),
      scores: quality.sequences.map((_2, index) => index),
      counts: [{ label: "Reads", values: quality.sequences }]
    };
  }, [quality]);
  const gc = Number(quality.gc);
  return html`<div class="quality">
    <div class="stats">
      <div class="stat"><span class="value">${formatNumber(quality.count)}</span><span class="label">reads</span></div>
      <div class="stat"><span class="value">${quality.length[0]}–${quality.length[1]}</span><span class="label">read length (bases)</span></div>
      <div class="stat"><span class="value">${formatNumber(gc, 1)}%</span><span class="label">GC content</span>
        <span class="gc-bar" role="img" aria-label=${`GC ${gc}%, AT ${100 - gc}%`}><span style=${{ width: `${gc}%` }}></span></span></div>
      <div class="stat"><span class="value">${quality.encoding}</span><span class="label">encoding</span></div>
    </div>
    <${Chart} title="Quality by position in the read" xLabel="Position (bp)" yLabel="Phred quality" x=${positions} series=${baseSeries} />
    <${Chart} title="Nucleotide composition by position" xLabel="Position (bp)" yLabel="Percent" x=${positions} series=${nucleotides} />
    <${Chart} title="Reads by mean quality score" xLabel="Mean Phred quality" yLabel="Reads" x=${scores} series=${counts} bars=${true} wholeY=${true} />
  </div>`;
}

// virtool_api/web/client/pages/runners.js
var NAMES = {
  create_sample: "create-sample",
  build_index: "build-index",
  create_subtraction: "create-subtraction",
  pathoscope_bowtie: "Pathoscope",
  nuvs: "NuVs",
  aodp: "AODP"
};
function RunnerHint() {
  const status = useResource("/runners");
  useLive("jobs", null, () => status.reload());
  usePoll(() => status.reload(), 3e4, true);
  if (!status.data) return null;
  const stuck = Object.entries(status.data.workflows).filter(([, item]) => item.waiting > 0 && item.runners === 0);
  if (stuck.length === 0) return null;
  return html`<div class="notice" role="status" id="runner-hint">
    ${stuck.map(([workflow, item]) => {
    const name = NAMES[workflow] || workflow;
    return html`<p key=${workflow}><strong>${item.waiting} ${name} job${item.waiting === 1 ? "" : "s"} waiting</strong> (the oldest since ${formatDate(item.oldest_waiting_at)}), and no runner takes ${name} jobs${item.refused.length ? `: the runners here cannot (${item.refused.join("; ")})` : ""}.</p>`;
  })}
    <p>${"Start a runner where the workflows' tools are installed, pointed at this server's job API: "}<code>.venv/bin/virtool-api runner --jobs-url http://localhost:9990/api</code>${" ("}<code>virtool-api serve</code>${" starts one beside the job API unless it was given "}<code>--redis-url</code>${" or "}<code>--no-runner</code>).</p>
  </div>`;
}

// virtool_api/web/client/pages/jobs.js
var STATES = ["waiting", "preparing", "running", "complete", "error", "cancelled", "terminated", "timeout"];
var WORKFLOWS = ["create_sample", "pathoscope_bowtie", "nuvs", "aodp", "build_index", "create_subtraction"];
var ACTIVE = /* @__PURE__ */ new Set(["waiting", "preparing", "running"]);
function CancelButton({ job, onCancelled }) {
  if (!ACTIVE.has(job.state)) return null;
  return html`<${ActionButton} confirm="Cancel this job?" action=${async () => onCancelled(await put(`/jobs/${job.id}/cancel`))}>Cancel</${ActionButton}>`;
}
var SUBJECTS = [
  ["sample_id", "/samples", "sample"],
  ["analysis_id", "/analyses", "analysis"],
  ["index_id", "/indexes", "index"],
  ["subtraction_id", "/subtractions", "subtraction"]
];
function JobSubject({ args }) {
  const links = SUBJECTS.filter(([key]) => args[key]).map(
    ([key, path, text]) => html`<a key=${key} href=${`${path}/${args[key]}`}>${text}</a>`
  );
  return links.map((link, index) => html`${index ? " " : ""}${link}`);
}
function JobsPage() {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const jobs = useResource("/jobs", { state: query.state, workflow: query.workflow, page, per_page: 25 });
  useLive("jobs", null, () => jobs.reload());
  const filter = (key) => (event) => setQuery({ ...query, [key]: event.target.value, page: void 0 });
  return html`<section>
    <h1>Jobs</h1>
    <${RunnerHint} />
    <form class="filters" onSubmit=${(e3) => e3.preventDefault()}>
      <label for="job-state">State <select id="job-state" value=${query.state || ""} onChange=${filter("state")}>
        <option value="">Any</option>${STATES.map((state) => html`<option value=${state}>${state}</option>`)}</select></label>
      <label for="job-workflow">Workflow <select id="job-workflow" value=${query.workflow || ""} onChange=${filter("workflow")}>
        <option value="">Any</option>${WORKFLOWS.map((workflow) => html`<option value=${workflow}>${workflow}</option>`)}</select></label>
    </form>
    <${Resource} resource=${jobs} what="jobs">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No jobs.<//>` : html`
        <table class="list jobs-table"><thead><tr><th>Job</th><th>Workflow</th><th>State</th><th>Progress</th><th>For</th><th>By</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${result.documents.map(
    (job) => html`<tr key=${job.id}>
          <td><a href=${`/jobs/${job.id}`}>${job.id}</a></td><td>${job.workflow}</td>
          <td><${Badge} state=${job.state} /></td><td><${Progress} value=${job.progress} label=${`progress of job ${job.id}`} /></td>
          <td><${JobSubject} args=${job.args} /></td><td>${job.user.handle || job.user.id}</td><td>${formatDate(job.created_at)}</td>
          <td><${CancelButton} job=${job} onCancelled=${() => jobs.reload()} /></td></tr>`
  )}
        </tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="job pages" />`}
    <//>
  </section>`;
}
function currentStep(job) {
  const entry = [...job.status || []].reverse().find((item) => item.step_name || item.stage);
  return entry ? { name: entry.step_name || entry.stage, description: entry.step_description || "" } : null;
}
function JobPage({ params }) {
  const job = useResource(`/jobs/${params.id}`);
  useLive("jobs", params.id, () => job.reload(), job.data && ACTIVE.has(job.data.state));
  return html`<${Resource} resource=${job} what="the job">
    ${(data) => html`<section>
      <div class="page-head"><h1>Job ${data.id} <${Badge} state=${data.state} /></h1><${CancelButton} job=${data} onCancelled=${job.setData} /></div>
      <dl class="facts">
        <dt>Workflow</dt><dd>${data.workflow}</dd>
        <dt>Progress</dt><dd><${Progress} value=${data.progress} label="job progress" /></dd>
        <dt>Step</dt><dd id="job-step">${currentStep(data) ? html`${currentStep(data).name}${currentStep(data).description ? html` <span class="muted">${currentStep(data).description}</span>` : null}` : "—"}</dd>
        <dt>For</dt><dd><${JobSubject} args=${data.args} /></dd>
        <dt>By</dt><dd>${data.user.handle || data.user.id}</dd>
        <dt>Created</dt><dd>${formatDate(data.created_at)}</dd>
        <dt>Acquired</dt><dd>${data.acquired ? "yes" : "not yet"}</dd>
      </dl>
      <h2>Status history</h2>
      <table class="list"><thead><tr><th>When</th><th>State</th><th>Step</th><th>Progress</th><th>Error</th></tr></thead><tbody>
        ${(data.status || []).map(
    (entry, index) => html`<tr key=${index}><td>${formatDate(entry.timestamp)}</td><td><${Badge} state=${entry.state} /></td>
          <td>${entry.step_name || entry.stage || ""}</td><td>${entry.progress}%</td><td>${entry.error ? `${entry.error.type}: ${entry.error.details ? [].concat(entry.error.details).join(" ") : ""}` : ""}</td></tr>`
  )}
      </tbody></table>
      <h2>Arguments</h2><pre class="json" tabindex="0">${JSON.stringify(data.args, null, 2)}</pre>
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/sample.js
var TABS = [
  ["", "Overview"],
  ["quality", "Quality"],
  ["analyses", "Analyses"],
  ["edit", "Edit"],
  ["rights", "Rights"]
];
var CREATING = /* @__PURE__ */ new Set(["awaiting_data", "importing"]);
var ACTIVE_JOB = /* @__PURE__ */ new Set(["waiting", "preparing", "running"]);
var WORKFLOWS2 = [
  ["pathoscope_bowtie", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"]
];
function JobProgress({ jobId }) {
  const job = useResource(`/jobs/${jobId}`);
  const active = !job.data || ACTIVE_JOB.has(job.data.state);
  useLive("jobs", jobId, () => job.reload(), active && !(job.error && job.error.status === 403));
  if (!job.data) return job.error && job.error.status !== 403 ? html`<${ErrorMessage} error=${job.error} />` : null;
  return html`<div class="job-progress" aria-live="polite">
    <a href=${`/jobs/${jobId}`}>Job ${jobId}</a> <${Badge} state=${job.data.state} />
    ${currentStep(job.data) ? html` <span class="muted">${currentStep(job.data).name}</span>` : null}
    <${Progress} value=${job.data.progress} label="job progress" />
  </div>`;
}
function Overview({ sample }) {
  const creating = CREATING.has(sample.status);
  return html`<div class="columns">
    <dl class="facts">
      <dt>Status</dt><dd><${Badge} state=${sample.status} /> ${sample.error_msg ? html`<span class="error-text">${sample.error_msg}</span>` : null}</dd>
      ${sample.job && (creating || sample.status === "failed_validation") ? html`<dt>Creation</dt><dd><${JobProgress} jobId=${sample.job.id} /></dd>` : null}
      <dt>Host</dt><dd>${sample.host || "—"}</dd>
      <dt>Isolate</dt><dd>${sample.isolate || "—"}</dd>
      <dt>Locale</dt><dd>${sample.locale || "—"}</dd>
      <dt>Library type</dt><dd>${sample.library_type} (${sample.paired ? "paired" : "unpaired"})</dd>
      <dt>Labels</dt><dd>${sample.labels.length ? sample.labels.map((label) => html`<${LabelChip} key=${label.id} label=${label} />`) : "—"}</dd>
      <dt>Visibility</dt><dd>${sample.visibility}</dd>
      <dt>Owner</dt><dd>${sample.owner.handle}</dd>
      <dt>Created</dt><dd>${formatDate(sample.created_at)}</dd>
      <dt>Notes</dt><dd class="notes">${sample.notes || "—"}</dd>
    </dl>
    <div>
      <h2>Read files</h2>
      ${sample.reads.length === 0 ? html`<p class="muted">${creating ? "The reads arrive when the creation job has run." : "No reads stored."}</p>` : html`<table class="list"><thead><tr><th>File</th><th>Size</th><th>Stored</th></tr></thead><tbody>
            ${sample.reads.map(
    (file) => html`<tr key=${file.id}>
              <td><a href=${`/api/samples/${sample.id}/reads/${file.name}`} download>${file.name}</a></td>
              <td>${formatBytes(file.size)}</td><td>${formatDate(file.uploaded_at)}</td></tr>`
  )}
          </tbody></table>`}
      ${sample.artifacts.length ? html`<h2>Artifacts</h2><table class="list"><tbody>${sample.artifacts.map(
    (file) => html`<tr key=${file.id}>
            <td><a href=${`/api/samples/${sample.id}/artifacts/${encodeURIComponent(file.name)}`} download>${file.name}</a></td>
            <td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`
  )}</tbody></table>` : null}
      ${sample.quality ? html`<h2>Quality</h2><p>${sample.quality.count.toLocaleString()} reads, ${sample.quality.gc}% GC, length ${sample.quality.length[0]}–${sample.quality.length[1]}. <a href=${`/samples/${sample.id}/quality`}>Charts</a></p>` : null}
    </div>
  </div>`;
}
function StartAnalysis({ sample, onStarted }) {
  const references = useResource("/references", { per_page: 100 });
  const subtractions = useResource("/subtractions", { ready: true, per_page: 100 });
  const [workflow, setWorkflow] = d2(sample.library_type === "amplicon" ? "aodp" : "pathoscope_bowtie");
  const [refId, setRefId] = d2("");
  const [chosen, setChosen] = d2(sample.subtractions.map((item) => item.id));
  const usable = (references.data ? references.data.documents : []).filter((ref) => ref.latest_index);
  const reference = refId || usable[0]?.id || "";
  const ready = (subtractions.data ? subtractions.data.documents : []).map((item) => ({
    id: item.id,
    name: item.nickname ? `${item.name} (${item.nickname})` : item.name
  }));
  const start = async () => {
    const picked = chosen.filter((id) => ready.some((item) => item.id === id));
    const analysis = await post(`/samples/${sample.id}/analyses`, {
      workflow,
      ref_id: reference,
      subtractions: picked
    });
    onStarted(analysis);
  };
  return html`<form class="card" onSubmit=${(e3) => e3.preventDefault()} aria-label="start an analysis">
    <h2>Start an analysis</h2>
    <div class="grid">
      <${Field} id="analysis-workflow" label="Workflow">
        <select id="analysis-workflow" value=${workflow} onChange=${(e3) => setWorkflow(e3.target.value)}>
          ${WORKFLOWS2.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      <//>
      <${Field} id="analysis-reference" label="Reference">
        <select id="analysis-reference" value=${reference} onChange=${(e3) => setRefId(e3.target.value)}>
          ${usable.length === 0 ? html`<option value="">No reference with a ready index</option>` : null}
          ${usable.map((ref) => html`<option value=${ref.id}>${ref.name} (index version ${ref.latest_index.version}, ${ref.otu_count} OTUs)</option>`)}
        </select>
      <//>
    </div>
    <h3 class="small-head">Subtractions</h3>
    <${CheckList} name="subtractions" options=${ready} selected=${chosen} onChange=${setChosen} empty="No ready subtraction" />
    <${ActionButton} className="primary" action=${start} disabled=${!sample.ready || !reference}>Start</${ActionButton}>
    ${!sample.ready ? html`<p class="muted">Analyses start once the sample is available.</p>` : null}
  </form>`;
}
function AnalysesList({ sampleId, path = `/samples/${sampleId}/analyses` }) {
  const [page, _setPage] = d2(1);
  const analyses = useResource(path, { page, per_page: 25 });
  const running = analyses.data?.documents.some((analysis) => !analysis.ready);
  useLive("analyses", null, () => analyses.reload(), running);
  return html`<${Resource} resource=${analyses} what="analyses">
    ${(result) => result.documents.length === 0 ? html`<${Empty}>No analyses yet.<//>` : html`<table class="list analyses-table"><thead><tr><th>Analysis</th><th>Workflow</th><th>Reference</th><th>State</th><th>By</th><th>Created</th></tr></thead><tbody>
          ${result.documents.map(
    (analysis) => html`<tr key=${analysis.id}>
            <td><a href=${`/analyses/${analysis.id}`}>${analysis.id}</a></td>
            <td>${analysis.workflow}</td>
            <td>${analysis.reference.name} <span class="muted">v${analysis.index.version}</span></td>
            <td>${analysis.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</td>
            <td>${analysis.user.handle || analysis.user.id}</td>
            <td>${formatDate(analysis.created_at)}</td></tr>`
  )}
        </tbody></table>`}
  <//>`;
}
function EditSample({ sample, onSaved }) {
  const labels = useResource("/labels");
  const tags = useResource("/tags");
  const projects = useResource("/projects");
  const tagId = (ref) => ref.$ref.split("/").pop();
  const projectId = sample.project ? sample.project.$ref.split("/").pop() : "";
  const initial = {
    name: sample.name,
    host: sample.host,
    isolate: sample.isolate,
    locale: sample.locale,
    notes: sample.notes,
    labels: sample.labels.map((label) => label.id),
    tags: sample.tags.map(tagId),
    visibility: sample.visibility,
    project: projectId
  };
  const [form, setForm] = d2(initial);
  const [newTag, setNewTag] = d2("");
  const [error, setError] = d2(null);
  const [saved, setSaved] = d2(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const save = async (event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const changes = Object.fromEntries(
      Object.entries(form).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(initial[key]))
    );
    if ("project" in changes) changes.project = changes.project || null;
    try {
      onSaved(await patch(`/samples/${sample.id}`, changes));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };
  const addTag = async () => {
    try {
      const tag = await post("/tags", { name: newTag.trim() });
      await tags.reload();
      setForm({ ...form, tags: [...form.tags, tag.id] });
      setNewTag("");
    } catch (caught) {
      setError(caught);
    }
  };
  const visibilities = ["private", "shared", "public"];
  return html`<form class="card wide" onSubmit=${save} aria-label="edit sample">
    <div class="grid">
      <${Field} id="edit-name" label="Name"><input id="edit-name" required maxlength="256" value=${form.name} onInput=${set("name")} /><//>
      <${Field} id="edit-host" label="Host"><input id="edit-host" value=${form.host} onInput=${set("host")} /><//>
      <${Field} id="edit-isolate" label="Isolate"><input id="edit-isolate" value=${form.isolate} onInput=${set("isolate")} /><//>
      <${Field} id="edit-locale" label="Locale"><input id="edit-locale" value=${form.locale} onInput=${set("locale")} /><//>
      <${Field} id="edit-visibility" label="Visibility" hint="Shared: anyone with the link may read it; public: listed for everyone.">
        <select id="edit-visibility" value=${form.visibility} onChange=${set("visibility")}>
          ${visibilities.map((value) => html`<option value=${value}>${value}</option>`)}
          ${visibilities.includes(form.visibility) ? null : html`<option value=${form.visibility}>${form.visibility}</option>`}
        </select>
      <//>
      <${Field} id="edit-project" label="Project">
        <select id="edit-project" value=${form.project} onChange=${set("project")}>
          <option value="">None</option>
          ${(projects.data || []).map((project) => html`<option value=${project.id}>${project.name}</option>`)}
        </select>
      <//>
    </div>
    <${Field} id="edit-notes" label="Notes"><textarea id="edit-notes" rows="4" value=${form.notes} onInput=${set("notes")}></textarea><//>
    <div class="grid">
      <div><h2 class="small-head">Labels</h2><${CheckList} name="labels" options=${labels.data || []} selected=${form.labels} onChange=${(value) => setForm({ ...form, labels: value })} empty="No labels (administrators make them)" /></div>
      <div>
        <h2 class="small-head">Tags</h2>
        <${CheckList} name="tags" options=${tags.data || []} selected=${form.tags} onChange=${(value) => setForm({ ...form, tags: value })} empty="No tags yet" />
        <div class="inline-form">
          <label for="new-tag" class="sr-only">New tag</label>
          <input id="new-tag" placeholder="New tag" value=${newTag} onInput=${(e3) => setNewTag(e3.target.value)} />
          <button type="button" disabled=${!newTag.trim()} onClick=${addTag}>Add tag</button>
        </div>
      </div>
    </div>
    <${ErrorMessage} error=${error} />
    ${saved ? html`<p class="saved" role="status">Saved.</p>` : null}
    <button type="submit" class="primary">Save</button>
  </form>`;
}
function Rights({ sample, onSaved }) {
  const groups = useResource("/groups");
  const [form, setForm] = d2({
    group: sample.group || "",
    group_read: sample.group_read,
    group_write: sample.group_write,
    all_read: sample.all_read,
    all_write: sample.all_write
  });
  const [error, setError] = d2(null);
  const [saved, setSaved] = d2(false);
  const flag = (key, text) => html`<label class="inline"><input type="checkbox" id=${`rights-${key}`} checked=${form[key]} onChange=${(e3) => setForm({ ...form, [key]: e3.target.checked })} /> ${text}</label>`;
  const save = async (event) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await patch(`/samples/${sample.id}/rights`, { ...form, group: form.group || null });
      onSaved(await get(`/samples/${sample.id}`));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };
  return html`<form class="card" onSubmit=${save} aria-label="sample rights">
    <p class="muted">The owner (${sample.owner.handle}) and administrators may always read and change the sample; these settings grant others rights.</p>
    <${Field} id="rights-group" label="Group">
      <select id="rights-group" value=${form.group} onChange=${(e3) => setForm({ ...form, group: e3.target.value })}>
        <option value="">None</option>
        ${(groups.data || []).map((group) => html`<option value=${group.id}>${group.name}</option>`)}
      </select>
    <//>
    ${flag("group_read", "Group members may read")}
    ${flag("group_write", "Group members may change")}
    ${flag("all_read", "Everyone signed in may read")}
    ${flag("all_write", "Everyone signed in may change")}
    <${ErrorMessage} error=${error} />
    ${saved ? html`<p class="saved" role="status">Saved.</p>` : null}
    <button type="submit" class="primary">Save rights</button>
  </form>`;
}
function SamplePage({ params }) {
  const sample = useResource(`/samples/${params.id}`);
  const tab = params.tab || "";
  useLive("samples", params.id, () => sample.reload());
  if (!TABS.some(([key]) => key === tab))
    return html`<p>No such tab. <a href=${`/samples/${params.id}`}>Back to the sample</a></p>`;
  return html`<${Resource} resource=${sample} what="the sample">
    ${(data) => html`<section>
      <div class="page-head">
        <h1>${data.name} <${Badge} state=${data.status} /></h1>
        <${ActionButton} className="danger" confirm=${`Remove the sample “${data.name}”, its analyses and files?`}
          action=${async () => {
    await remove(`/samples/${data.id}`);
    navigate("/samples");
  }}>Remove</${ActionButton}>
      </div>
      <nav class="tabs" aria-label="sample">
        ${TABS.map(([key, text]) => html`<a key=${key} href=${`/samples/${data.id}${key ? `/${key}` : ""}`} class=${tab === key ? "active" : ""} aria-current=${tab === key ? "page" : void 0}>${text}</a>`)}
      </nav>
      ${tab === "" ? html`<${Overview} sample=${data} />` : null}
      ${tab === "quality" ? data.quality ? html`<${QualityCharts} quality=${data.quality} />` : html`<${Empty}>No quality data yet: the creation job measures it.<//>` : null}
      ${tab === "analyses" ? html`<${AnalysesList} sampleId=${data.id} /><${StartAnalysis} sample=${data} onStarted=${(analysis) => navigate(`/analyses/${analysis.id}`)} />` : null}
      ${tab === "edit" ? html`<${EditSample} sample=${data} onSaved=${sample.setData} />` : null}
      ${tab === "rights" ? html`<${Rights} sample=${data} onSaved=${sample.setData} />` : null}
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/analysis.js
function Results({ analysis }) {
  if (analysis.workflow === "pathoscope_bowtie") return html`<${Pathoscope} analysis=${analysis} />`;
  if (analysis.workflow === "nuvs") return html`<${Nuvs} analysis=${analysis} />`;
  if (!analysis.results) return html`<${Empty}>No results.<//>`;
  return html`<pre class="json" tabindex="0">${JSON.stringify(analysis.results, null, 2)}</pre>`;
}
function AnalysisPage({ params }) {
  const analysis = useResource(`/analyses/${params.id}`);
  useLive("analyses", params.id, () => analysis.reload(), analysis.data && !analysis.data.ready);
  return html`<${Resource} resource=${analysis} what="the analysis">
    ${(data) => html`<section>
      <div class="page-head">
        <h1>${data.workflow === "nuvs" ? "NuVs" : data.workflow === "pathoscope_bowtie" ? "Pathoscope" : data.workflow} analysis of <a href=${`/samples/${data.sample.id}/analyses`}>${data.sample.name}</a></h1>
        <${ActionButton} className="danger" confirm="Remove this analysis and its files?" action=${async () => {
    await remove(`/analyses/${data.id}`);
    navigate(`/samples/${data.sample.id}/analyses`);
  }}>Remove</${ActionButton}>
      </div>
      <dl class="facts inline-facts">
        <dt>State</dt><dd>${data.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</dd>
        <dt>Reference</dt><dd id="analysis-reference-name"><a href=${`/references/${data.reference.id}`}>${data.reference.name}</a>, <a href=${`/indexes/${data.index.id}`}>index ${data.index.version}</a></dd>
        <dt>Subtractions</dt><dd id="analysis-subtractions">${data.subtractions.length ? data.subtractions.map(
    (item, index) => html`${index ? ", " : ""}<a key=${item.id} href=${`/subtractions/${item.id}`}>${item.name}</a>`
  ) : "none"}</dd>
        <dt>Started</dt><dd>${formatDate(data.created_at)} by ${data.user.handle || data.user.id}</dd>
      </dl>
      ${!data.ready && data.job ? html`<${JobProgress} jobId=${data.job.id} />` : null}
      ${data.ready ? html`<h2>Result</h2><${Results} analysis=${data} />` : html`<p class="muted">The result appears here when the workflow finishes.</p>`}
      ${data.files?.length ? html`<h2>Result files</h2><table class="list"><tbody>${data.files.map(
    (file) => html`<tr key=${file.id}>
            <td><a href=${`/api/analyses/${data.id}/files/${file.id}`} download>${file.name}</a></td><td>${file.format}</td><td>${formatBytes(file.size)}</td></tr>`
  )}</tbody></table>` : null}
      ${analysis.error ? html`<${ErrorMessage} error=${analysis.error} />` : null}
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/sample_new.js
var LIBRARY_TYPES = [
  ["normal", "Normal"],
  ["srna", "sRNA"],
  ["amplicon", "Amplicon"],
  ["other", "Other"]
];
function UploadRow({ item, onCancel }) {
  const percent3 = item.total ? 100 * item.loaded / item.total : 0;
  return html`<li class="upload-row">
    <span class="name">${item.name}</span>
    ${item.error ? html`<${ErrorMessage} error=${item.error} title=${`Upload of ${item.name} failed`} />` : html`<${Progress} value=${percent3} label=${`Uploading ${item.name}`} />
             <span class="muted">${formatBytes(item.loaded)} of ${formatBytes(item.total)}</span>
             <button type="button" onClick=${onCancel}>Cancel</button>`}
  </li>`;
}
function Uploader({ onUploaded, type = "reads", label, accept = ".gz,application/gzip", multiple = true }) {
  const inputId = `${type}-file`;
  const [items, setItems] = d2([]);
  const input = A2(null);
  const update = (id, change) => setItems((all) => all.map((item) => item.id === id ? { ...item, ...change } : item));
  const start = () => {
    for (const file of input.current.files) {
      const id = `${file.name}-${Date.now()}-${Math.random()}`;
      const path = `/uploads?name=${encodeURIComponent(file.name)}&type=${type}`;
      const sending = upload(path, file, (loaded, total) => update(id, { loaded, total }));
      setItems((all) => [...all, { id, name: file.name, loaded: 0, total: file.size, abort: sending.abort }]);
      sending.promise.then(
        (created) => {
          setItems((all) => all.filter((item) => item.id !== id));
          onUploaded(created);
        },
        (error) => update(id, { error })
      );
    }
    input.current.value = "";
  };
  return html`<div class="uploader">
    <${Field} id=${inputId} label=${label || "Reads files (FASTQ, gzip-compressed: .fq.gz or .fastq.gz)"}>
      <input id=${inputId} type="file" multiple=${multiple} accept=${accept} ref=${input} onChange=${start} />
    <//>
    ${items.length ? html`<ul class="uploads-in-flight">${items.map((item) => html`<${UploadRow} key=${item.id} item=${item} onCancel=${() => item.abort()} />`)}</ul>` : null}
  </div>`;
}
function NewSamplePage() {
  const uploads = useResource("/uploads", { type: "reads", per_page: 100 });
  const labels = useResource("/labels");
  const subtractions = useResource("/subtractions", { per_page: 100 });
  const projects = useResource("/projects");
  const groups = useResource("/groups");
  const [form, setForm] = d2({
    name: "",
    host: "",
    isolate: "",
    locale: "",
    library_type: "normal",
    notes: "",
    labels: [],
    subtractions: [],
    project: "",
    group: "",
    visibility: "private",
    files: []
  });
  const [error, setError] = d2(null);
  const [busy, setBusy] = d2(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const toggleFile = (id) => {
    const files = form.files.includes(id) ? form.files.filter((file) => file !== id) : [...form.files, id].slice(-2);
    setForm({ ...form, files });
  };
  const submit = async (event) => {
    event.preventDefault();
    if (form.files.length === 0) {
      setError(
        new ApiError(400, { message: "Pick one upload (single-end reads) or two (paired-end) for the sample." })
      );
      return;
    }
    setBusy(true);
    setError(null);
    const body = { ...form, project: form.project || null, group: form.group || null };
    if (!body.project) delete body.project;
    if (!body.group) delete body.group;
    try {
      const sample = await post("/samples", body);
      navigate(`/samples/${sample.id}`);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  const free = (uploads.data ? uploads.data.documents : []).filter((item) => !item.reserved);
  return html`<section>
    <h1>New sample</h1>
    <form class="card wide" onSubmit=${submit} aria-label="new sample">
      <fieldset>
        <legend>1. Reads</legend>
        <${Uploader} onUploaded=${() => uploads.reload()} />
        <${Resource} resource=${uploads} what="uploads">
          ${() => free.length === 0 ? html`<p class="muted">No unused uploads yet: upload a reads file above.</p>` : html`<table class="list uploads-table">
                <caption>Pick one upload (single-end) or two (paired-end)</caption>
                <thead><tr><th scope="col">Use</th><th scope="col">File</th><th scope="col">Size</th><th scope="col">Uploaded</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>${free.map(
    (item) => html`<tr key=${item.id}>
                  <td><input type="checkbox" id=${`upload-${item.id}`} aria-label=${`Use ${item.name}`} checked=${form.files.includes(item.id)} onChange=${() => toggleFile(item.id)} /></td>
                  <td><label for=${`upload-${item.id}`}>${item.name}</label></td>
                  <td>${formatBytes(item.size)}</td>
                  <td>${formatDate(item.created_at)}</td>
                  <td><button type="button" class="link" onClick=${async () => {
      await remove(`/uploads/${item.id}`);
      uploads.reload();
    }}>Remove</button></td>
                </tr>`
  )}</tbody>
              </table>`}
        <//>
      </fieldset>
      <fieldset>
        <legend>2. The sample</legend>
        <div class="grid">
          <${Field} id="sample-name" label="Name"><input id="sample-name" required maxlength="256" value=${form.name} onInput=${set("name")} /><//>
          <${Field} id="sample-host" label="Host"><input id="sample-host" value=${form.host} onInput=${set("host")} /><//>
          <${Field} id="sample-isolate" label="Isolate"><input id="sample-isolate" value=${form.isolate} onInput=${set("isolate")} /><//>
          <${Field} id="sample-locale" label="Locale"><input id="sample-locale" value=${form.locale} onInput=${set("locale")} /><//>
          <${Field} id="sample-library" label="Library type">
            <select id="sample-library" value=${form.library_type} onChange=${set("library_type")}>
              ${LIBRARY_TYPES.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
            </select>
          <//>
          <${Field} id="sample-visibility" label="Visibility">
            <select id="sample-visibility" value=${form.visibility} onChange=${set("visibility")}>
              <option value="private">Private</option><option value="shared">Shared (anyone with the link)</option><option value="public">Public</option>
            </select>
          <//>
          <${Field} id="sample-project" label="Project">
            <select id="sample-project" value=${form.project} onChange=${set("project")}>
              <option value="">None</option>
              ${(projects.data || []).map((project) => html`<option value=${project.id}>${project.name}</option>`)}
            </select>
          <//>
          <${Field} id="sample-group" label="Group">
            <select id="sample-group" value=${form.group} onChange=${set("group")}>
              <option value="">None</option>
              ${(groups.data || []).map((group) => html`<option value=${group.id}>${group.name}</option>`)}
            </select>
          <//>
        </div>
        <${Field} id="sample-notes" label="Notes"><textarea id="sample-notes" rows="3" value=${form.notes} onInput=${set("notes")}></textarea><//>
        <div class="grid">
          <div><h2 class="small-head">Labels</h2><${CheckList} name="labels" options=${labels.data || []} selected=${form.labels} onChange=${(value) => setForm({ ...form, labels: value })} /></div>
          <div><h2 class="small-head">Default subtractions</h2><${CheckList} name="subtractions" options=${subtractions.data ? subtractions.data.documents : []} selected=${form.subtractions} onChange=${(value) => setForm({ ...form, subtractions: value })} /></div>
        </div>
      </fieldset>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Creating…" : "Create sample"}</button>
    </form>
  </section>`;
}

// virtool_api/web/client/pages/hmms.js
var top = (counts, n3 = 3) => Object.entries(counts || {}).sort((a3, b2) => b2[1] - a3[1]).slice(0, n3);
function InstallHmms({ onInstalled }) {
  const uploads = useResource("/uploads", { type: "hmm", per_page: 100 });
  const files = uploads.data ? uploads.data.documents : [];
  const [picked, setPicked] = d2({});
  const [error, setError] = d2(null);
  const guess = (test) => String((files.find((file) => test(file.name)) || files[0])?.id || "");
  const annotations = picked.annotations || guess((name) => /\.json(\.gz)?$/.test(name));
  const profiles = picked.profiles || guess((name) => /\.hmm$/.test(name));
  const install = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      onInstalled(await put("/hmms", { annotations: Number(annotations), profiles: Number(profiles) }));
    } catch (caught) {
      setError(caught);
    }
  };
  const choice = (key, label) => html`<${Field} id=${`hmm-${key}`} label=${label}>
    <select id=${`hmm-${key}`} value=${key === "annotations" ? annotations : profiles} onChange=${(e3) => setPicked({ ...picked, [key]: e3.target.value })}>
      ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name}</option>`)}
    </select><//>`;
  return html`<form class="card" onSubmit=${install} aria-label="install HMMs">
    <h2>Install from uploads</h2>
    <${Uploader} type="hmm" label="HMM files (annotations.json.gz and profiles.hmm)" accept=".gz,.json,.hmm" onUploaded=${() => uploads.reload()} />
    ${files.length ? html`<div class="grid">${choice("annotations", "Annotations")}${choice("profiles", "Profiles (HMMER3)")}</div>` : null}
    <${ErrorMessage} error=${error} title="Nothing was installed" />
    <button type="submit" class="primary" disabled=${!files.length}>Install</button>
  </form>`;
}
function HowToInstall({ account, onInstalled }) {
  return html`<div class="hmm-missing">
    <${Empty}>No HMM data is installed on this server, so NuVs analyses cannot annotate their ORFs yet.<//>
    <h2>Where HMM data comes from</h2>
    <p>${"Virtool's HMM data are profiles of viral protein families (built from vFam) with their annotations, published as "}<code>annotations.json.gz</code>${" and "}<code>profiles.hmm</code>${" in the releases of Virtool's "}<code>virtool-hmm</code>${" repository on GitHub. This server does not download them itself: fetch both files where the internet is reachable and install them here."}</p>
    <h2>How to install them</h2>
    <p>An operator installs Virtool's HMM annotations (<code>annotations.json.gz</code>) and the matching HMMER3
      profiles (<code>profiles.hmm</code>) on the server, with the same storage options as <code>serve</code>:</p>
    <pre class="json" id="hmm-install-command">virtool-api hmms install annotations.json.gz profiles.hmm</pre>
    <p>${account.administrator ? "Or upload both files here and install them:" : "Administrators may also upload both files and install them from this page."}</p>
    ${account.administrator ? html`<${InstallHmms} onInstalled=${onInstalled} />` : null}
  </div>`;
}
function HmmsPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = d2(query.find || "");
  const hmms = useResource("/hmms", { find: query.find, page, per_page: 25 });
  h2(() => {
    if ((query.find || "") === find) return void 0;
    const timer = setTimeout(() => setQuery({ find, page: void 0 }), 300);
    return () => clearTimeout(timer);
  }, [find]);
  return html`<section>
    <h1>HMMs</h1>
    <${Resource} resource=${hmms} what="HMMs">
      ${(result) => !result.status.installed ? html`<${HowToInstall} account=${account} onInstalled=${() => hmms.reload()} />` : html`
        <p class="muted" id="hmm-status"><${Badge} state="ready">installed<//> ${formatNumber(result.status.cluster_count)} clusters, ${formatNumber(result.status.profile_count)} profiles</p>
        <form class="filters" role="search" onSubmit=${(e3) => e3.preventDefault()}>
          <label for="hmm-find">Search
            <input id="hmm-find" type="search" placeholder="Protein name" value=${find} onInput=${(e3) => setFind(e3.target.value)} />
          </label>
        </form>
        <p class="muted" aria-live="polite" id="hmm-count">${result.found_count === result.total_count ? `${formatNumber(result.total_count)} clusters` : `${formatNumber(result.found_count)} of ${formatNumber(result.total_count)} clusters match`}</p>
        ${result.documents.length === 0 ? html`<${Empty}>No cluster matches the search.<//>` : html`<table class="list hmms-table">
          <thead><tr><th>Cluster</th><th>Names</th><th>Families</th><th>Proteins</th></tr></thead>
          <tbody>${result.documents.map(
    (hmm) => html`<tr key=${hmm.id}>
            <td><a href=${`/hmms/${hmm.id}`}>${hmm.cluster}</a></td><td>${hmm.names.join(", ")}</td>
            <td>${top(hmm.families).map(([name]) => name).join(", ")}</td><td>${formatNumber(hmm.count)}</td></tr>`
  )}
          </tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="HMM pages" />`}
    <//>
  </section>`;
}
function HmmPage({ params }) {
  const hmm = useResource(`/hmms/${params.id}`);
  const counts = (values) => top(values, 10).map(([name, count]) => `${name} (${count})`).join(", ") || "—";
  return html`<${Resource} resource=${hmm} what="the HMM">
    ${(data) => html`<section>
      <h1>Cluster ${data.cluster}: ${data.names.join(", ")}</h1>
      <p><a href="/hmms">All HMMs</a></p>
      <dl class="facts">
        <dt>Proteins</dt><dd>${formatNumber(data.count)}</dd>
        <dt>Length</dt><dd>${formatNumber(data.length)}</dd>
        <dt>Entropy</dt><dd>mean ${formatNumber(data.mean_entropy, 2)}, total ${formatNumber(data.total_entropy, 1)}</dd>
        <dt>Families</dt><dd>${counts(data.families)}</dd>
        <dt>Genera</dt><dd>${counts(data.genera)}</dd>
      </dl>
      <h2>Entries</h2>
      <table class="list hmm-entries"><thead><tr><th>Accession</th><th>Name</th><th>Organism</th></tr></thead><tbody>
        ${data.entries.map((entry) => html`<tr key=${entry.accession}><td>${entry.accession}</td><td>${entry.name}</td><td>${entry.organism}</td></tr>`)}
      </tbody></table>
      <${ErrorMessage} error=${hmm.error} />
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/home.js
var WORKFLOW_NAMES = { pathoscope_bowtie: "Pathoscope", nuvs: "NuVs", aodp: "AODP" };
function RunningJobs() {
  const running = useResource("/jobs", { state: "running", per_page: 10 });
  const preparing = useResource("/jobs", { state: "preparing", per_page: 10 });
  const waiting = useResource("/jobs", { state: "waiting", per_page: 1 });
  useLive("jobs", null, () => {
    running.reload();
    preparing.reload();
    waiting.reload();
  });
  const jobs = [...running.data?.documents || [], ...preparing.data?.documents || []];
  const waitingCount = waiting.data?.found_count || 0;
  return html`<section class="card" aria-labelledby="home-jobs">
    <h2 id="home-jobs">Running jobs</h2>
    ${jobs.length === 0 ? html`<p class="muted">No job is running.</p>` : html`<table class="list home-jobs"><thead><tr><th scope="col">Job</th><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Step</th><th scope="col">Progress</th></tr></thead><tbody>
          ${jobs.map(
    (job) => html`<tr key=${job.id}><td><a href=${`/jobs/${job.id}`}>${job.id}</a></td><td>${job.workflow}</td>
            <td><${Badge} state=${job.state} /></td><td>${job.stage || "—"}</td><td><${Progress} value=${job.progress} label=${`progress of job ${job.id}`} /></td></tr>`
  )}</tbody></table>`}
    <${RunnerHint} />
    <p id="home-waiting">${waitingCount ? html`<a href="/jobs?state=waiting">${waitingCount} job${waitingCount === 1 ? "" : "s"} waiting</a> for a runner.` : "No job is waiting for a runner."}</p>
  </section>`;
}
function RecentAnalyses() {
  const analyses = useResource("/analyses", { per_page: 8 });
  useLive("analyses", null, () => analyses.reload());
  return html`<section class="card" aria-labelledby="home-analyses">
    <h2 id="home-analyses">Recent analyses</h2>
    <${Resource} resource=${analyses} what="analyses">
      ${(result) => result.documents.length === 0 ? html`<${Empty}>No analyses yet. Start one from a sample's Analyses tab.<//>` : html`<table class="list home-analyses"><thead><tr><th scope="col">Sample</th><th scope="col">Workflow</th><th scope="col">State</th><th scope="col">Started</th></tr></thead><tbody>
          ${result.documents.map(
    (analysis) => html`<tr key=${analysis.id}><td><a href=${`/analyses/${analysis.id}`}>${analysis.sample.name}</a></td>
              <td>${WORKFLOW_NAMES[analysis.workflow] || analysis.workflow}</td>
              <td>${analysis.ready ? html`<${Badge} state="complete">ready<//>` : html`<${Badge} state="running">in progress<//>`}</td>
              <td>${formatDate(analysis.created_at)}</td></tr>`
  )}</tbody></table>`}
    <//>
  </section>`;
}
var WAITING_STATUSES = [
  ["awaiting_data", "waiting for its reads"],
  ["importing", "importing its reads"],
  ["failed_validation", "failed: look at it"]
];
function WaitingSamples() {
  const lists = WAITING_STATUSES.map(([status]) => useResource("/samples", { status, per_page: 10 }));
  useLive("samples", null, () => {
    for (const list of lists) list.reload();
  });
  const rows = WAITING_STATUSES.flatMap(
    ([status, text], index) => (lists[index].data?.documents || []).map((sample) => ({ sample, status, text }))
  );
  return html`<section class="card" aria-labelledby="home-samples">
    <h2 id="home-samples">Samples that wait for something</h2>
    ${rows.length === 0 ? html`<p class="muted">None: every sample you may see is available.</p>` : html`<ul class="home-samples">${rows.map(
    ({ sample, status, text }) => html`<li key=${sample.id}><a href=${`/samples/${sample.id}`}>${sample.name}</a> <${Badge} state=${status}>${text}<//></li>`
  )}</ul>`}
  </section>`;
}
function HomePage({ account }) {
  return html`<section>
    <h1>Welcome, ${account.handle}</h1>
    <div class="home-grid">
      <${RunningJobs} />
      <${RecentAnalyses} />
      <${WaitingSamples} />
    </div>
  </section>`;
}

// virtool_api/web/client/pages/indexes.js
var ACTIVE_JOB2 = /* @__PURE__ */ new Set(["waiting", "preparing", "running"]);
function IndexState({ index }) {
  if (index.ready) return html`<${Badge} state="ready" />`;
  if (!index.job) return html`<${Badge} state="waiting">being created<//>`;
  const job = index.job;
  return html`<span class="index-state"><${Badge} state=${job.state}>${ACTIVE_JOB2.has(job.state) ? `building: ${job.state}` : `not built: ${job.state}`}<//>
    ${ACTIVE_JOB2.has(job.state) ? html` <${Progress} value=${job.progress} label=${`progress of index ${index.version}`} />${job.stage ? html` <span class="muted">${job.stage}</span>` : null}` : null}
    <a href=${`/jobs/${job.id}`}>job</a></span>`;
}
function BuildIndex({ referenceId, onBuilt, building }) {
  const [busy, setBusy] = d2(false);
  const [error, setError] = d2(null);
  const build = async () => {
    setBusy(true);
    setError(null);
    try {
      onBuilt(await post(`/references/${referenceId}/indexes`));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const hint = error && error.status === 409 ? " Wait until it is ready (or its job ends), then build again." : "";
  const message = error ? messageOf(error).replace(/([^.!?])$/, "$1.") : "";
  return html`<div class="build-index">
    <button type="button" class="primary" disabled=${busy || building} aria-describedby=${building ? "build-index-note" : void 0} onClick=${build}>${busy ? "Starting…" : "Build index"}</button>
    ${building ? html` <span class="muted" id="build-index-note">An index is being built: the next one can be built when it is ready or its job has ended.</span>` : null}
    ${error ? html`<div class="error" role="alert"><strong>No index was started: </strong>${message}${hint}</div>` : null}
  </div>`;
}
function Indexes({ reference, account, onChange }) {
  const [page, setPage] = d2(1);
  const indexes = useResource(`/references/${reference.id}/indexes`, { page, per_page: 25 });
  const documents = indexes.data ? indexes.data.documents : [];
  const building = documents.some((index) => !index.ready && (!index.job || ACTIVE_JOB2.has(index.job.state)));
  useLive(["indexes", "jobs"], null, () => indexes.reload(), building);
  const readyCount = documents.filter((index) => index.ready).length;
  h2(() => {
    if (indexes.data) onChange();
  }, [readyCount]);
  const onBuilt = () => {
    indexes.reload();
    onChange();
  };
  return html`<div>
    ${account.administrator && reference.otu_count ? html`<${BuildIndex} referenceId=${reference.id} onBuilt=${onBuilt} building=${building} />` : null}
    <${Resource} resource=${indexes} what="indexes">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No index yet.${account.administrator ? " Build one: a build-index job makes its files." : " Administrators build them."}<//>` : html`<table class="list indexes-table">
            <thead><tr><th>Version</th><th>State</th><th>Changed OTUs</th><th>By</th><th>Created</th></tr></thead>
            <tbody>${result.documents.map(
    (index) => html`<tr key=${index.id}>
              <td><a href=${`/indexes/${index.id}`}>version ${index.version}</a></td>
              <td><${IndexState} index=${index} /></td>
              <td>${formatNumber(index.modified_otu_count)}</td>
              <td>${index.user.handle || index.user.id}</td><td>${formatDate(index.created_at)}</td></tr>`
  )}
            </tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${setPage} label="index pages" />`}
    <//>
  </div>`;
}
function IndexPage({ params }) {
  const index = useResource(`/indexes/${params.id}`);
  const data = index.data;
  useLive(
    ["indexes", "jobs"],
    null,
    () => index.reload(),
    data && !data.ready && (!data.job || ACTIVE_JOB2.has(data.job.state))
  );
  return html`<${Resource} resource=${index} what="the index">
    ${(item) => html`<section>
      <h1>Index version ${item.version} of <a href=${`/references/${item.reference.id}/indexes`}>${item.reference.name}</a></h1>
      <dl class="facts">
        <dt>State</dt><dd><${IndexState} index=${item} /></dd>
        <dt>OTUs</dt><dd>${formatNumber(item.otus.length)} (${formatNumber(item.modified_otu_count)} changed since the previous ready index)</dd>
        <dt>Created</dt><dd>${formatDate(item.created_at)} by ${item.user.handle || item.user.id}</dd>
      </dl>
      <h2>Files</h2>
      ${item.files.length === 0 ? html`<${Empty}>No files yet: the build-index job uploads them.<//>` : html`<table class="list index-files"><thead><tr><th>File</th><th>Type</th><th>Size</th></tr></thead><tbody>
            ${item.files.map((file) => html`<tr key=${file.id}><td><a href=${`/api/indexes/${item.id}/files/${encodeURIComponent(file.name)}`} download>${file.name}</a></td><td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`)}
          </tbody></table>`}
      <h2>OTUs</h2>
      <table class="list"><thead><tr><th>OTU</th><th>Version</th><th>Changed</th></tr></thead><tbody>
        ${item.otus.map((otu) => html`<tr key=${otu.id}><td><a href=${`/otus/${otu.id}`}>${otu.name}</a></td><td>${item.manifest[otu.id]}</td><td>${otu.change_count ? "yes" : "no"}</td></tr>`)}
      </tbody></table>
      ${index.error ? html`<${ErrorMessage} error=${index.error} />` : null}
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/login.js
function LoginPage({ onSignedIn }) {
  const [handle, setHandle] = d2("");
  const [password, setPassword] = d2("");
  const [remember, setRemember] = d2(false);
  const [error, setError] = d2(null);
  const [busy, setBusy] = d2(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post("/account/login", { handle, password, remember }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Virtool</h1>
      <${Field} id="login-handle" label="Handle">
        <input id="login-handle" name="handle" autocomplete="username" required autofocus value=${handle} onInput=${(e3) => setHandle(e3.target.value)} />
      <//>
      <${Field} id="login-password" label="Password">
        <input id="login-password" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e3) => setPassword(e3.target.value)} />
      <//>
      <label class="inline"><input id="login-remember" type="checkbox" checked=${remember} onChange=${(e3) => setRemember(e3.target.checked)} /> Keep me signed in for 30 days</label>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Signing in…" : "Sign in"}</button>
      <p class="muted small">No password yet? An administrator sets one (<code>virtool-api users password HANDLE</code>). Scripts use API keys; see the <a href="/docs">API documentation</a>.</p>
    </form>
  </main>`;
}

// virtool_api/web/client/pages/otu.js
function SequenceRow({ sequence }) {
  const [open, setOpen] = d2(false);
  return html`<tr>
    <td>${sequence.accession}</td>
    <td>${sequence.definition}${sequence.host ? html` <span class="muted">(host: ${sequence.host})</span>` : null}</td>
    <td>${sequence.segment || html`<span class="muted">—</span>`}</td>
    <td>${formatNumber(sequence.sequence.length)} nt</td>
    <td><button type="button" class="link" aria-expanded=${open} aria-label=${`${open ? "Hide" : "Show"} sequence ${sequence.accession}`} onClick=${() => setOpen(!open)}>${open ? "Hide" : "Show"}</button></td>
  </tr>
  ${open ? html`<tr class="detail"><td colspan="5"><pre class="sequence" tabindex="0">${sequence.sequence}</pre></td></tr>` : null}`;
}
function Isolate({ isolate }) {
  const name = `${isolate.source_type ? `${isolate.source_type[0].toUpperCase()}${isolate.source_type.slice(1)} ` : ""}${isolate.source_name}`.trim() || "Unnamed isolate";
  return html`<article class="card isolate">
    <h3>${name} ${isolate.default ? html`<${Badge} state="ready">default<//>` : null}</h3>
    <table class="list sequences"><thead><tr><th>Accession</th><th>Definition</th><th>Segment</th><th>Length</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${isolate.sequences.map((sequence) => html`<${SequenceRow} key=${sequence.id} sequence=${sequence} />`)}</tbody></table>
  </article>`;
}
function OtuPage({ params }) {
  const otu = useResource(`/otus/${params.id}`);
  const referenceId = otu.data ? otu.data.reference.id : null;
  const reference = useResource(referenceId ? `/references/${referenceId}` : null);
  return html`<${Resource} resource=${otu} what="the OTU">
    ${(data) => {
    const sequences = data.isolates.reduce((total, isolate) => total + isolate.sequences.length, 0);
    return html`<section>
        <h1>${data.name}${data.abbreviation ? html` <span class="muted">(${data.abbreviation})</span>` : null}</h1>
        <dl class="facts">
          <dt>Reference</dt><dd><a href=${`/references/${data.reference.id}`}>${reference.data ? reference.data.name : data.reference.name || "the reference"}</a></dd>
          <dt>Version</dt><dd>${data.version}</dd>
          <dt>Isolates</dt><dd>${data.isolates.length}, with ${sequences} sequence${sequences === 1 ? "" : "s"}</dd>
          ${data.schema?.length ? html`<dt>Segments</dt><dd>${data.schema.map((segment) => `${segment.name}${segment.molecule ? ` (${segment.molecule})` : ""}`).join(", ")}</dd>` : null}
        </dl>
        <h2>Isolates</h2>
        ${data.isolates.map((isolate) => html`<${Isolate} key=${isolate.id} isolate=${isolate} />`)}
      </section>`;
  }}
  <//>`;
}

// virtool_api/web/client/pages/reference.js
var TABS2 = [
  ["", "OTUs"],
  ["indexes", "Indexes"]
];
function Otus({ reference }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = d2(query.find || "");
  const otus = useResource(`/references/${reference.id}/otus`, { find: query.find, page, per_page: 25 });
  h2(() => {
    if ((query.find || "") === find) return void 0;
    const timer = setTimeout(() => setQuery({ find, page: void 0 }), 300);
    return () => clearTimeout(timer);
  }, [find]);
  return html`<div>
    <form class="filters" role="search" onSubmit=${(e3) => e3.preventDefault()}>
      <label for="otu-find">Search OTUs
        <input id="otu-find" type="search" placeholder="Name or abbreviation" value=${find} onInput=${(e3) => setFind(e3.target.value)} />
      </label>
    </form>
    <${Resource} resource=${otus} what="OTUs">
      ${(result) => html`
        <p class="muted" aria-live="polite" id="otu-count">${result.found_count === result.total_count ? `${formatNumber(result.total_count)} OTUs` : `${formatNumber(result.found_count)} of ${formatNumber(result.total_count)} OTUs match`}</p>
        ${result.documents.length === 0 ? html`<${Empty}>${result.total_count ? "No OTU matches the search." : "This reference has no OTUs."}<//>` : html`<table class="list otus-table">
              <thead><tr><th>Name</th><th>Abbreviation</th><th>Isolates</th><th>Version</th></tr></thead>
              <tbody>${result.documents.map(
    (otu) => html`<tr key=${otu.id}>
                <td><a href=${`/otus/${otu.id}`}>${otu.name}</a></td><td>${otu.abbreviation || html`<span class="muted">—</span>`}</td>
                <td>${otu.isolate_count}</td><td>${otu.version}</td></tr>`
  )}
              </tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="OTU pages" />`}
    <//>
  </div>`;
}
function ReferencePage({ params, account }) {
  const reference = useResource(`/references/${params.id}`);
  const tab = params.tab || "";
  if (!TABS2.some(([key]) => key === tab))
    return html`<p>No such tab. <a href=${`/references/${params.id}`}>Back to the reference</a></p>`;
  return html`<${Resource} resource=${reference} what="the reference">
    ${(ref) => html`<section>
      <h1>${ref.name}</h1>
      <dl class="facts">
        <dt>OTUs</dt><dd id="reference-otu-count">${formatNumber(ref.otu_count)}</dd>
        <dt>Latest ready index</dt><dd id="reference-latest-index">${ref.latest_index ? html`<a href=${`/indexes/${ref.latest_index.id}`}>version ${ref.latest_index.version}</a>` : html`none yet${ref.otu_count ? "" : " (a reference needs OTUs before an index can be built)"}`}</dd>
        <dt>Data type</dt><dd>${ref.data_type}${ref.organism ? `, ${ref.organism}` : ""}</dd>
        <dt>Created</dt><dd>${formatDate(ref.created_at)}${ref.user ? ` by ${ref.user.handle || ref.user.id}` : ""}${ref.imported_from ? `, imported from ${ref.imported_from.name}` : ""}</dd>
      </dl>
      <nav class="tabs" aria-label="reference">
        ${TABS2.map(([key, text]) => html`<a key=${key} href=${`/references/${ref.id}${key ? `/${key}` : ""}`} class=${tab === key ? "active" : ""} aria-current=${tab === key ? "page" : void 0}>${text}</a>`)}
      </nav>
      ${tab === "" ? html`<${Otus} reference=${ref} />` : html`<${Indexes} reference=${ref} account=${account} onChange=${reference.reload} />`}
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/references.js
function ImportReference({ onImported }) {
  const uploads = useResource("/uploads", { type: "reference", per_page: 100 });
  const [uploadId, setUploadId] = d2("");
  const [name, setName] = d2("");
  const [error, setError] = d2(null);
  const [busy, setBusy] = d2(false);
  const files = uploads.data ? uploads.data.documents : [];
  const chosen = uploadId || (files[0] ? String(files[0].id) : "");
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onImported(
        await post("/references", { import_from: Number(chosen), ...name.trim() ? { name: name.trim() } : {} })
      );
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="import a reference">
    <h2>Import a reference</h2>
    <p class="muted">From a Virtool reference export (<code>.json.gz</code>): the reference and all its OTUs are checked, then stored.</p>
    <${Uploader} type="reference" multiple=${false} label="Reference export (gzip-compressed JSON)"
      onUploaded=${(created) => {
    setUploadId(String(created.id));
    uploads.reload();
  }} />
    <div class="grid">
      <${Field} id="reference-upload" label="Export to import">
        <select id="reference-upload" value=${chosen} onChange=${(e3) => setUploadId(e3.target.value)} disabled=${files.length === 0}>
          ${files.length === 0 ? html`<option value="">Upload an export first</option>` : null}
          ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name} (${formatBytes(file.size)}, ${formatDate(file.created_at)})</option>`)}
        </select>
      <//>
      <${Field} id="reference-name" label="Name" hint="Leave empty to use the export's name.">
        <input id="reference-name" maxlength="255" value=${name} onInput=${(e3) => setName(e3.target.value)} />
      <//>
    </div>
    <${ErrorMessage} error=${error} title="The reference was not imported" />
    <button type="submit" class="primary" disabled=${busy || !chosen}>${busy ? "Importing…" : "Import reference"}</button>
  </form>`;
}
function ReferencesPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const references = useResource("/references", { page, per_page: 25 });
  return html`<section>
    <h1>References</h1>
    <${Resource} resource=${references} what="references">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No references yet.${account.administrator ? " Import one below." : " Administrators import them."}<//>` : html`<table class="list references-table">
          <thead><tr><th>Name</th><th>Organism</th><th>OTUs</th><th>Latest ready index</th><th>Created</th></tr></thead>
          <tbody>${result.documents.map(
    (ref) => html`<tr key=${ref.id}>
            <td><a href=${`/references/${ref.id}`}>${ref.name}</a></td>
            <td>${ref.organism || html`<span class="muted">—</span>`}</td>
            <td>${formatNumber(ref.otu_count)}</td>
            <td>${ref.latest_index ? html`<a href=${`/indexes/${ref.latest_index.id}`}>version ${ref.latest_index.version}</a>` : html`<span class="muted">none</span>`}</td>
            <td>${formatDate(ref.created_at)}</td>
          </tr>`
  )}</tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} label="reference pages" />`}
    <//>
    ${account.administrator ? html`<${ImportReference} onImported=${(ref) => navigate(`/references/${ref.id}`)} />` : null}
  </section>`;
}

// virtool_api/web/client/pages/analyze.js
var WORKFLOWS3 = [
  ["pathoscope_bowtie", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"]
];
function useAnalysisChoices() {
  const references = useResource("/references", { per_page: 100 });
  const subtractions = useResource("/subtractions", { ready: true, per_page: 100 });
  const usable = (references.data ? references.data.documents : []).filter((ref) => ref.latest_index);
  const ready = (subtractions.data ? subtractions.data.documents : []).map((item) => ({
    id: item.id,
    name: item.nickname ? `${item.name} (${item.nickname})` : item.name
  }));
  return { usable, ready };
}
function QuickAnalyze({ samples, onDone }) {
  const { usable, ready } = useAnalysisChoices();
  const [workflow, setWorkflow] = d2("pathoscope_bowtie");
  const [refId, setRefId] = d2("");
  const [chosen, setChosen] = d2([]);
  const [outcome, setOutcome] = d2(null);
  const reference = refId || usable[0]?.id || "";
  const start = async () => {
    const started = [];
    const refused = [];
    for (const sample of samples) {
      try {
        await post(`/samples/${sample.id}/analyses`, { workflow, ref_id: reference, subtractions: chosen });
        started.push(sample);
      } catch (error) {
        refused.push({ sample, message: messageOf(error) });
      }
    }
    setOutcome({ started, refused });
    onDone(started);
  };
  return html`<form class="card quick-analyze" aria-label="analyze the selected samples" onSubmit=${(event) => event.preventDefault()}>
    <h2>Analyze ${samples.length} selected sample${samples.length === 1 ? "" : "s"}</h2>
    <div class="grid">
      <${Field} id="quick-workflow" label="Workflow">
        <select id="quick-workflow" value=${workflow} onChange=${(event) => setWorkflow(event.target.value)}>
          ${WORKFLOWS3.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      <//>
      <${Field} id="quick-reference" label="Reference">
        <select id="quick-reference" value=${reference} onChange=${(event) => setRefId(event.target.value)}>
          ${usable.length === 0 ? html`<option value="">No reference with a ready index</option>` : null}
          ${usable.map((ref) => html`<option value=${ref.id}>${ref.name} (index version ${ref.latest_index.version})</option>`)}
        </select>
      <//>
    </div>
    <h3 class="small-head">Subtractions</h3>
    <${CheckList} name="subtractions for the selected samples" options=${ready} selected=${chosen} onChange=${setChosen} empty="No ready subtraction" />
    <${ActionButton} className="primary" action=${start} disabled=${!reference || samples.length === 0}>Start ${samples.length} analys${samples.length === 1 ? "is" : "es"}</${ActionButton}>
    ${outcome ? html`<div class="quick-outcome" role="status">
      <p>${outcome.started.length} analys${outcome.started.length === 1 ? "is" : "es"} started.</p>
      ${outcome.refused.length ? html`<ul class="error-text">${outcome.refused.map(({ sample, message }) => html`<li key=${sample.id}>${sample.name}: ${message}</li>`)}</ul>` : null}
    </div>` : null}
  </form>`;
}

// virtool_api/web/client/pages/samples.js
var PER_PAGE = 25;
var ANALYSIS_STATES = [
  ["pathoscope", "Pathoscope"],
  ["nuvs", "NuVs"],
  ["aodp", "AODP"]
];
function WorkflowStates({ workflows }) {
  const shown = ANALYSIS_STATES.filter(([key]) => ["complete", "pending"].includes(workflows?.[key]));
  if (shown.length === 0) return html`<span class="muted">none</span>`;
  return shown.map(
    ([key, name]) => html`<${Badge} key=${key} state=${workflows[key] === "complete" ? "complete" : "running"}>${name}${workflows[key] === "pending" ? " running" : ""}<//> `
  );
}
var VISIBILITIES = ["private", "shared", "public"];
var STATUSES = ["awaiting_data", "importing", "available", "failed_validation"];
function FilterSelect({ id, label, value, options, onChange }) {
  return html`<label for=${id}>${label}
    <select id=${id} value=${value || ""} onChange=${(e3) => onChange(e3.target.value)}>
      <option value="">Any</option>
      ${options.map((option) => html`<option value=${option.id}>${option.name}</option>`)}
    </select>
  </label>`;
}
function SamplesPage() {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const [find, setFind] = d2(query.find || "");
  const labels = useResource("/labels");
  const tags = useResource("/tags");
  const projects = useResource("/projects");
  const samples = useResource("/samples", { ...query, page, per_page: PER_PAGE });
  const [selected, setSelected] = d2(() => /* @__PURE__ */ new Map());
  const toggle = (sample) => {
    const next = new Map(selected);
    if (next.has(sample.id)) next.delete(sample.id);
    else next.set(sample.id, sample);
    setSelected(next);
  };
  const selectPage = (documents, checked) => {
    const next = new Map(selected);
    for (const sample of documents) {
      if (checked) next.set(sample.id, sample);
      else next.delete(sample.id);
    }
    setSelected(next);
  };
  useLive("samples", null, () => samples.reload());
  h2(() => {
    if ((query.find || "") === find) return void 0;
    const timer = setTimeout(() => setQuery({ ...query, find, page: void 0 }), 300);
    return () => clearTimeout(timer);
  }, [find]);
  const filter = (key) => (value) => setQuery({ ...query, [key]: value, page: void 0 });
  const named = (resource) => (resource.data || []).map((item) => ({ id: item.id, name: item.name }));
  return html`<section>
    <div class="page-head">
      <h1>Samples</h1>
      <a class="button primary" href="/samples/new">New sample</a>
    </div>
    <form class="filters" role="search" onSubmit=${(e3) => e3.preventDefault()}>
      <label for="sample-find">Search
        <input id="sample-find" type="search" placeholder="Name" value=${find} onInput=${(e3) => setFind(e3.target.value)} />
      </label>
      <${FilterSelect} id="filter-label" label="Label" value=${query.label} options=${named(labels)} onChange=${filter("label")} />
      <${FilterSelect} id="filter-tag" label="Tag" value=${query.tag} options=${named(tags)} onChange=${filter("tag")} />
      <${FilterSelect} id="filter-project" label="Project" value=${query.project} options=${named(projects)} onChange=${filter("project")} />
      <${FilterSelect} id="filter-visibility" label="Visibility" value=${query.visibility}
        options=${VISIBILITIES.map((v3) => ({ id: v3, name: v3 }))} onChange=${filter("visibility")} />
      <${FilterSelect} id="filter-status" label="Status" value=${query.status}
        options=${STATUSES.map((s3) => ({ id: s3, name: s3.replace(/_/g, " ") }))} onChange=${filter("status")} />
    </form>
    ${selected.size ? html`<${QuickAnalyze} samples=${[...selected.values()]} onDone=${() => samples.reload()} />` : null}
    <${Resource} resource=${samples} what="samples">
      ${(result) => html`
        <p class="muted" aria-live="polite" id="sample-count">
          ${result.found_count === result.total_count ? `${result.total_count} samples` : `${result.found_count} of ${result.total_count} samples match`}
        </p>
        ${result.documents.length === 0 ? html`<${Empty}>No samples here yet. <a href="/samples/new">Create one</a> from uploaded reads.<//>` : html`<table class="list samples-table">
              <thead><tr><th scope="col"><input type="checkbox" id="select-page" aria-label="Select every sample on this page" checked=${result.documents.every((sample) => selected.has(sample.id))} onChange=${(event) => selectPage(result.documents, event.target.checked)} /></th>
                <th scope="col">Name</th><th scope="col">Status</th><th scope="col">Analyses</th><th scope="col">Library</th><th scope="col">Labels</th><th scope="col">Visibility</th><th scope="col">Owner</th><th scope="col">Created</th></tr></thead>
              <tbody>
                ${result.documents.map(
    (sample) => html`<tr key=${sample.id}>
                  <td><input type="checkbox" class="select-sample" aria-label=${`Select ${sample.name}`} checked=${selected.has(sample.id)} onChange=${() => toggle(sample)} /></td>
                  <td><a href=${`/samples/${sample.id}`}>${sample.name}</a>${sample.host ? html` <span class="muted">${sample.host}</span>` : null}</td>
                  <td><${Badge} state=${sample.status} /></td>
                  <td class="workflow-states"><${WorkflowStates} workflows=${sample.workflows} /></td>
                  <td>${sample.library_type}</td>
                  <td>${sample.labels.map((label) => html`<${LabelChip} key=${label.id} label=${label} />`)}</td>
                  <td>${sample.visibility}</td>
                  <td>${sample.owner.handle}</td>
                  <td>${formatDate(sample.created_at)}</td>
                </tr>`
  )}
              </tbody>
            </table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ ...query, page: next }, { replace: false })} label="sample pages" />
      `}
    <//>
  </section>`;
}

// virtool_api/web/client/pages/setup.js
function SetupPage({ onSignedIn }) {
  const fromLink = new URLSearchParams(location.search).get("token") || "";
  const [form, setForm] = d2({ token: fromLink, handle: "", password: "", repeat: "" });
  const [error, setError] = d2(null);
  const [busy, setBusy] = d2(false);
  const [created, setCreated] = d2(null);
  const next = A2(null);
  h2(() => next.current?.focus(), [created]);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    if (form.password !== form.repeat) {
      setError(new Error("The two passwords differ."));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setCreated(await post("/setup", { token: form.token, handle: form.handle, password: form.password }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  if (created) {
    const { key, ...account } = created;
    return html`<main class="login">
      <section class="card" aria-labelledby="setup-done-title">
        <h1 id="setup-done-title">Welcome, ${account.handle}</h1>
        <p>You are the first administrator, and signed in. Scripts use an API key: here is your first one.
        Copy it now, it will not be shown again.</p>
        <p><code class="key" id="setup-key">${key}</code> <${CopyButton} text=${key} /></p>
        <p class="muted small">Send it as <code>${"X-API-Key: <key>"}</code>. Make more keys on your account page.</p>
        <button type="button" class="primary" ref=${next} onClick=${() => onSignedIn(account)}>Continue to Virtool</button>
      </section>
    </main>`;
  }
  return html`<main class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="setup-title">
      <h1 id="setup-title">Create the first administrator</h1>
      <p>No administrator exists yet. Choose the handle and password of the first one: they manage users,
      references and everything else.</p>
      ${fromLink ? html`<p class="muted small">Setup token: from the link the server printed.</p>` : html`<${Field} id="setup-token" label="Setup token" hint="In the link the server printed when it started (…/setup?token=…).">
              <input id="setup-token" name="token" autocomplete="off" required value=${form.token} onInput=${set("token")} />
            <//>`}
      <${Field} id="setup-handle" label="Handle">
        <input id="setup-handle" name="handle" autocomplete="username" required autofocus maxlength="64" pattern="[A-Za-z0-9_.\\-]+" title="Letters, digits, _ . or -" value=${form.handle} onInput=${set("handle")} />
      <//>
      <${Field} id="setup-password" label="Password" hint="At least 8 characters, not containing the handle.">
        <input id="setup-password" name="password" type="password" autocomplete="new-password" required minlength="8" value=${form.password} onInput=${set("password")} />
      <//>
      <${Field} id="setup-repeat" label="Password again">
        <input id="setup-repeat" name="repeat" type="password" autocomplete="new-password" required minlength="8" value=${form.repeat} onInput=${set("repeat")} />
      <//>
      <${ErrorMessage} error=${error} />
      <button type="submit" class="primary" disabled=${busy}>${busy ? "Creating…" : "Create administrator"}</button>
      <p class="muted small">Or from a terminal: <code>virtool-api users create HANDLE --admin</code>, with the same stores as the server.</p>
    </form>
  </main>`;
}

// virtool_api/web/client/pages/subtraction.js
var ACTIVE_JOB3 = /* @__PURE__ */ new Set(["waiting", "preparing", "running"]);
var percent2 = (value) => `${formatNumber(100 * value, 1)}%`;
function SubtractionState({ subtraction }) {
  if (subtraction.ready) return html`<${Badge} state="ready" />`;
  const job = subtraction.job;
  if (!job) return html`<${Badge} state="waiting">being created<//>`;
  if (!ACTIVE_JOB3.has(job.state)) return html`<${Badge} state=${job.state}>not created: ${job.state}<//>`;
  return html`<span class="subtraction-state"><${Badge} state=${job.state}>being created: ${job.state}<//>
    <${Progress} value=${job.progress} label="progress of the subtraction's job" />${job.stage ? html` <span class="muted">${job.stage}</span>` : null}</span>`;
}
function SubtractionPage({ params, account }) {
  const subtraction = useResource(`/subtractions/${params.id}`);
  const data = subtraction.data;
  useLive(
    ["subtractions", "jobs"],
    null,
    () => subtraction.reload(),
    data && !data.ready && (!data.job || ACTIVE_JOB3.has(data.job.state))
  );
  return html`<${Resource} resource=${subtraction} what="the subtraction">
    ${(item) => html`<section>
      <div class="page-head">
        <h1>${item.name}${item.nickname ? html` <span class="muted">(${item.nickname})</span>` : null}</h1>
        ${account.administrator ? html`<${ActionButton} className="danger" confirm=${`Remove the subtraction “${item.name}” and its files?`}
          action=${async () => {
    await remove(`/subtractions/${item.id}`);
    navigate("/subtractions");
  }}>Remove</${ActionButton}>` : null}
      </div>
      <dl class="facts">
        <dt>State</dt><dd id="subtraction-state"><${SubtractionState} subtraction=${item} />${item.job ? html` <a href=${`/jobs/${item.job.id}`}>job</a>` : null}</dd>
        <dt>Genome file</dt><dd>${item.file.name}</dd>
        <dt>Sequences</dt><dd>${formatNumber(item.count)}</dd>
        <dt>Composition</dt><dd>${item.gc ? `GC ${percent2(item.gc.g + item.gc.c)} (A ${percent2(item.gc.a)}, C ${percent2(item.gc.c)}, G ${percent2(item.gc.g)}, T ${percent2(item.gc.t)}, N ${percent2(item.gc.n)})` : "measured by its job"}</dd>
        <dt>Created</dt><dd>${formatDate(item.created_at)}${item.user ? ` by ${item.user.handle || item.user.id}` : ""}</dd>
        <dt>Used by</dt><dd>${item.linked_samples.length ? item.linked_samples.map(
    (sample, index) => html`${index ? ", " : ""}<a key=${sample.id} href=${`/samples/${sample.id}`}>${sample.name}</a>`
  ) : "no sample"}</dd>
      </dl>
      <h2>Files</h2>
      ${item.files.length === 0 ? html`<${Empty}>No files yet: the create-subtraction job uploads its FASTA and Bowtie2 index.<//>` : html`<table class="list subtraction-files"><thead><tr><th>File</th><th>Type</th><th>Size</th></tr></thead><tbody>
            ${item.files.map((file) => html`<tr key=${file.id}><td><a href=${`/api/subtractions/${item.id}/files/${encodeURIComponent(file.name)}`} download>${file.name}</a></td><td>${file.type}</td><td>${formatBytes(file.size)}</td></tr>`)}
          </tbody></table>`}
    </section>`}
  <//>`;
}

// virtool_api/web/client/pages/subtractions.js
function NewSubtraction({ onCreated }) {
  const uploads = useResource("/uploads", { type: "subtraction", per_page: 100 });
  const [form, setForm] = d2({ upload: "", name: "", nickname: "" });
  const [error, setError] = d2(null);
  const [busy, setBusy] = d2(false);
  const files = uploads.data ? uploads.data.documents : [];
  const chosen = form.upload || (files[0] ? String(files[0].id) : "");
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await post("/subtractions", { name: form.name, nickname: form.nickname, upload_id: Number(chosen) }));
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="new subtraction">
    <h2>New subtraction</h2>
    <${Uploader} type="subtraction" multiple=${false} label="Host genome (FASTA, gzip-compressed: .fa.gz or .fasta.gz)"
      onUploaded=${(created) => {
    setForm((old) => ({ ...old, upload: String(created.id) }));
    uploads.reload();
  }} />
    <div class="grid">
      <${Field} id="subtraction-upload" label="Genome file">
        <select id="subtraction-upload" value=${chosen} onChange=${set("upload")} disabled=${files.length === 0}>
          ${files.length === 0 ? html`<option value="">Upload a FASTA file first</option>` : null}
          ${files.map((file) => html`<option key=${file.id} value=${String(file.id)}>${file.name} (${formatBytes(file.size)}, ${formatDate(file.created_at)})</option>`)}
        </select>
      <//>
      <${Field} id="subtraction-name" label="Name" hint="Usually the host's species, e.g. Vitis vinifera.">
        <input id="subtraction-name" required maxlength="255" value=${form.name} onInput=${set("name")} />
      <//>
      <${Field} id="subtraction-nickname" label="Nickname" hint="Optional, e.g. grapevine.">
        <input id="subtraction-nickname" maxlength="255" value=${form.nickname} onInput=${set("nickname")} />
      <//>
    </div>
    <${ErrorMessage} error=${error} title="The subtraction was not created" />
    <button type="submit" class="primary" disabled=${busy || !chosen}>${busy ? "Creating…" : "Create subtraction"}</button>
  </form>`;
}
function SubtractionsPage({ account }) {
  const { query } = useLocation();
  const page = Number(query.page) || 1;
  const subtractions = useResource("/subtractions", { page, per_page: 25 });
  return html`<section>
    <h1>Subtractions</h1>
    <${Resource} resource=${subtractions} what="subtractions">
      ${(result) => html`${result.documents.length === 0 ? html`<${Empty}>No subtractions yet.${account.administrator ? " Create one below from a host genome." : " Administrators create them."}<//>` : html`<table class="list subtractions-table"><thead><tr><th>Name</th><th>Nickname</th><th>State</th><th>Sequences</th><th>Created</th></tr></thead>
          <tbody>${result.documents.map(
    (item) => html`<tr key=${item.id}>
            <td><a href=${`/subtractions/${item.id}`}>${item.name}</a></td><td>${item.nickname || html`<span class="muted">—</span>`}</td>
            <td><${SubtractionState} subtraction=${item} /></td><td>${formatNumber(item.count)}</td><td>${formatDate(item.created_at)}</td></tr>`
  )}
          </tbody></table>`}
        <${Pager} page=${result.page} pageCount=${result.page_count} onPage=${(next) => setQuery({ page: next }, { replace: false })} label="subtraction pages" />`}
    <//>
    ${account.administrator ? html`<${NewSubtraction} onCreated=${(item) => navigate(`/subtractions/${item.id}`)} />` : null}
  </section>`;
}

// virtool_api/web/client/main.js
function initialAccount() {
  const element = document.getElementById("account");
  return element ? JSON.parse(element.textContent) : null;
}
function initialSetupRequired() {
  return document.getElementById("setup-required") !== null;
}
var ROUTES = [
  ["/", HomePage],
  ["/samples/new", NewSamplePage],
  ["/samples/:id/:tab?", SamplePage],
  ["/samples", SamplesPage],
  ["/analyses/:id", AnalysisPage],
  ["/jobs/:id", JobPage],
  ["/jobs", JobsPage],
  ["/references/:id/:tab?", ReferencePage],
  ["/references", ReferencesPage],
  ["/otus/:id", OtuPage],
  ["/indexes/:id", IndexPage],
  ["/subtractions/:id", SubtractionPage],
  ["/subtractions", SubtractionsPage],
  ["/hmms/:id", HmmPage],
  ["/hmms", HmmsPage],
  ["/account", AccountPage],
  ["/administration/:section?", AdministrationPage]
];
function NotFound() {
  return html`<section><h1>Not found</h1><p>There is no page at this address. <a href="/samples">Go to the samples</a>.</p></section>`;
}
function NavBar({ account, path, onSignOut }) {
  const link = (href, text, also = []) => {
    const current = [href, ...also].some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    return html`<a href=${href} class=${current ? "active" : ""} aria-current=${current ? "page" : void 0}>${text}</a>`;
  };
  return html`<header class="topbar">
    <a class="brand" href="/">Virtool</a>
    <nav aria-label="main">
      ${link("/samples", "Samples")} ${link("/jobs", "Jobs")} ${link("/references", "References", ["/otus", "/indexes"])}
      ${link("/subtractions", "Subtractions")} ${link("/hmms", "HMMs")}
      ${account.administrator ? link("/administration", "Administration") : null}
    </nav>
    <div class="who">
      <a href="/docs">API docs</a>
      ${link("/account", account.handle)}
      <button type="button" class="link" onClick=${onSignOut}>Sign out</button>
    </div>
  </header>`;
}
function App() {
  const [account, setAccount] = d2(initialAccount);
  const [setupRequired, setSetupRequired] = d2(initialSetupRequired);
  const { path, search } = useLocation();
  h2(() => onSignedOut(() => setAccount(null)), []);
  h2(() => {
    if (account) startLive();
    else stopLive();
  }, [Boolean(account)]);
  h2(() => {
    if (account && path === "/login") {
      const next = new URLSearchParams(search).get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    }
  }, [account, path]);
  if (!account && setupRequired) {
    const done = (created) => {
      setSetupRequired(false);
      setAccount(created);
      navigate("/", { replace: true });
    };
    return html`<${SetupPage} onSignedIn=${done} />`;
  }
  if (!account) {
    return html`<${LoginPage} onSignedIn=${setAccount} />`;
  }
  const signOut = async () => {
    stopLive();
    try {
      await post("/account/logout");
    } finally {
      setAccount(null);
      navigate("/login", { replace: true });
    }
  };
  let page = null;
  for (const [pattern, Page] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      page = html`<${Page} key=${pattern} params=${params} account=${account} onAccount=${setAccount} />`;
      break;
    }
  }
  if (page === null && path === "/login") page = html`<p class="loading">Loading…</p>`;
  return html`<${NavBar} account=${account} path=${path} onSignOut=${signOut} /><main id="main">${page || html`<${NotFound} />`}</main>`;
}
interceptLinks();
var root = document.getElementById("app");
root.textContent = "";
R(html`<${App} />`, root);
