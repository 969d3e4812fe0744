/**
 * Which unknown GET paths a web app answers with its index.html (client-side routes such as
 * `/cameras/:id`, `/timeline/:id?t=`, `/calls/:id`; the home app's routing/routes.ts). Paths owned
 * by the server stay a 404 when nothing matched them: a mistyped API or recording URL must not
 * come back as an HTML page with status 200. Nor may a missing detector model or .wasm file
 * (`/detector/<version>/…`, files of the app's build): tfjs would choke on HTML.
 */
const SERVER_PATHS = /^\/(?:api|socket\.io|media|ca|detector)(?:[/?#]|$)/;
/** The admin app's own address without its trailing slash, under the home app's prefix. */
const OTHER_APPS = /^\/admin(?:[/?#]|$)/;

export function servesAppShell(appPrefix: string, url: string): boolean {
  if (SERVER_PATHS.test(url)) return false;
  return appPrefix !== '/' || !OTHER_APPS.test(url);
}
