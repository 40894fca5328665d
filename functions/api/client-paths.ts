/** The path prefixes the client Lambda answers (API Gateway sends `ANY <prefix>{proxy+}` there). */
export const CLIENT_PREFIXES = ['/beta/', '/beta2/', '/v0.1/', '/v0.2/', '/v0.3/'] as const;
