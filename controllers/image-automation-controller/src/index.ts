export { controllerName, main } from "./main.js";
