// Lanes' Swagger UI: the contract this node serves, tried against this node.
// The page lets the server judge every value (no check in the browser first), so "Try it out" shows exactly what a
// client gets, a bad value's 400 naming its parameter included.
const ServerValidates = () => ({
  statePlugins: {
    spec: {
      wrapSelectors: {
        validateBeforeExecute: () => () => true,
        validationErrors: () => () => []
      }
    }
  }
});

window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl, ServerValidates],
    layout: "StandaloneLayout"
  });
};
