/** A browser-like HTTP client for the gateway: it keeps the session cookie it is given. */
export class GatewayClient {
  cookie: string | null = null;
  /** Gives up on a request after this long (the load suites); none by default. */
  timeoutMs: number | null = null;

  constructor(
    readonly baseUrl: string,
    readonly cookieName = 'porter_session',
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const init: RequestInit = { method, headers: { ...headers }, signal: this.timeoutMs ? AbortSignal.timeout(this.timeoutMs) : null };
    if (this.cookie) (init.headers as Record<string, string>).cookie = `${this.cookieName}=${this.cookie}`;
    if (body !== undefined) {
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + path, init);
    for (const header of response.headers.getSetCookie()) {
      const match = new RegExp(`^${this.cookieName}=([^;]*)`).exec(header);
      if (match) this.cookie = match[1] === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(header) ? null : match[1]!;
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: unknown) => this.request('POST', path, body);
  put = (path: string, body?: unknown) => this.request('PUT', path, body);
  delete = (path: string, body?: unknown) => this.request('DELETE', path, body);
}

export interface Reply {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

/** A client that signs up (which also logs it in) and knows its id. */
export async function signUp(baseUrl: string, email: string, password = 'correct horse battery'): Promise<{ client: GatewayClient; id: number }> {
  const client = new GatewayClient(baseUrl);
  const reply = await client.post('/api/users', { email, password });
  if (reply.status !== 201) throw new Error(`sign-up failed: ${reply.status} ${reply.text}`);
  return { client, id: (reply.json as { id: number }).id };
}
