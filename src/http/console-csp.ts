// The Content-Security-Policy of the admin console (web/dist: index.html and its assets).
// The built console is one module script and one stylesheet from /assets, talking to its own
// origin only, so script and everything else stay 'self'. Styles need 'unsafe-inline': Mantine
// writes its CSS variables into <style> elements and positions popovers with style attributes at
// run time. Images allow data: URIs (Mantine's inline SVG backgrounds). Swagger UI under /api/docs
// has its own policy, DOCS_CSP below.
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

// The policy of the API reference (Swagger UI under /api/docs). @fastify/swagger-ui's own
// policy lists hashes for inline styles, but Swagger UI writes a <style> element at run time
// that no listed hash matches: the browser refused it and logged a CSP error on every visit.
// With hashes present 'unsafe-inline' is ignored, so the policy is written here instead: styles
// as the console allows them (inline, no hashes): the console's policy, and no inline event
// handler attributes. No external origin:
// the validator badge (validator.swagger.io, which would be sent the spec's address) is turned
// off in app.ts. No upgrade-insecure-requests: a plain-HTTP installation would lose the spec.
export const DOCS_CSP = `${CONSOLE_CSP}; script-src-attr 'none'`;
