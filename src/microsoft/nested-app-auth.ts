// Nested app authentication (MSAL.js createNestablePublicClientApplication), how an Outlook
// add-in gets a Microsoft token for the signed-in user now that Exchange's legacy add-in tokens
// are off. Entra accepts the request only when the application registers, under the
// single-page-application platform, the broker redirect URI `brk-multihub://` followed by the
// add-in's origin host (host and port, no scheme or path).

export const nestedAppAuthRedirectUri = (publicUrl: string): string => `brk-multihub://${new URL(publicUrl).host}`;
