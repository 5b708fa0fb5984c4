// ES module entry: the same API as index.js.
import api from "./index.js";

export const start = api.start;
export const binaryPath = api.binaryPath;
export const AdminError = api.AdminError;
export default api;
