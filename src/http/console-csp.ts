// The Content-Security-Policy of the admin console (web/dist: index.html and its assets).
// The built console is one module script and one stylesheet from /assets, talking to its own
// origin only, so script and everything else stay 'self'. Styles need 'unsafe-inline': Mantine
// writes its CSS variables into <style> elements and positions popovers with style attributes at
// run time. Images allow data: URIs (Mantine's inline SVG backgrounds). Swagger UI under /api/docs
// sends its own policy (@fastify/swagger-ui staticCSP) and is not covered here.
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
