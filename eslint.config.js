// ESLint for the project's own scripts (`make lint`, from node_modules: `npm ci`).
// The vendored libraries come from node_modules and are never linted. Every page
// script is a classic <script src> (no modules, no build step, and the CSP allows
// no inline code), so the scripts of a page share the browser's global scope;
// the globals one script defines for another are declared below.
const js = require("@eslint/js");
const globals = require("globals");

const SERVICE_WORKER = "umbrella/alarms/static/alarms/sw.js";

module.exports = [
  { ignores: ["node_modules/**", ".venv/**", "var/**"] },
  js.configs.recommended,
  {
    rules: {
      // `catch (error) {}` names what it deliberately ignores.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
    },
  },
  {
    files: ["umbrella/**/static/**/*.js"],
    ignores: [SERVICE_WORKER],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {
        ...globals.browser,
        // Leaflet, served from node_modules to the map pages.
        L: "readonly",
      },
    },
  },
  {
    files: [SERVICE_WORKER],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: globals.serviceworker },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
];
