// Renders /api/openapi.json (the public API and the job API) with the vendored Swagger UI.
// "Try it out" sends the session cookie like the client does, with the X-Requested-With header that the
// server asks of cookie-authenticated changes. Nothing is fetched from elsewhere (no online validator).
window.ui = window.SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  docExpansion: "none",
  filter: true,
  tryItOutEnabled: false,
  defaultModelsExpandDepth: 0,
  presets: [window.SwaggerUIBundle.presets.apis],
  requestInterceptor: (request) => {
    request.headers["X-Requested-With"] = "XMLHttpRequest";
    return request;
  },
});
