// Server-Sent Events over fetch(): EventSource cannot send the bearer token,
// so the stream is read with a ReadableStream and parsed here, following the
// HTML standard's rules (event/id/data/retry fields, multi-line data, comments,
// CR, LF or CRLF line ends), and resumed with Last-Event-ID after a drop.

export interface SseMessage {
  event: string; // "message" when the server named none
  id: string; // the last event id in force after this message
  data: string;
}

// An incremental parser: feed it text as it arrives, it calls back per event.
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private sawData = false;
  private pendingCR = false;
  lastEventId = '';
  retry: number | null = null;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  feed(chunk: string): void {
    let text = chunk;
    // A CR at the end of the last chunk already ended its line: skip the LF of a split CRLF.
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      this.line(this.buffer.slice(start, i));
      if (c === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  // The stream ended: an event without its blank line is dropped, as the standard says.
  end(): void {
    this.buffer = '';
    this.data = [];
    this.event = '';
    this.sawData = false;
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return; // a comment (keepalive)
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  private dispatch(): void {
    if (!this.sawData) {
      this.event = '';
      return;
    }
    const message = { event: this.event || 'message', id: this.lastEventId, data: this.data.join('\n') };
    this.data = [];
    this.event = '';
    this.sawData = false;
    this.onMessage(message);
  }
}

export interface FollowOptions {
  url: string;
  headers: () => Record<string, string>;
  onMessage: (message: SseMessage) => void;
  // Connection state for the UI: 'open', 'reconnecting' (with the error), 'closed'.
  onState?: (state: 'connecting' | 'open' | 'reconnecting' | 'closed', detail?: string) => void;
  // True once the stream has said all it will (the `end` event): no reconnect.
  finished: () => boolean;
  // Called on an HTTP error answer (not a drop): stop following.
  onFatal?: (status: number, message: string) => void;
  maxAttempts?: number; // consecutive failed connections before giving up
}

// Follows a stream until finished() or stop(); reconnects after drops with
// Last-Event-ID, waiting the server's `retry:` (bounded) with backoff.
export function followStream(options: FollowOptions): { stop: () => void } {
  const controller = new AbortController();
  let stopped = false;
  let lastEventId = '';
  let retryMs = 1000;
  const maxAttempts = options.maxAttempts ?? 30;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  async function connectOnce(): Promise<'ended' | 'dropped' | 'fatal'> {
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers() };
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const response = await fetch(options.url, { headers, signal: controller.signal, cache: 'no-store' });
    if (!response.ok) {
      let message = `the console answered ${response.status}`;
      try {
        const body = await response.json();
        if (body && typeof body.error === 'string') message = body.error;
      } catch {
        // not JSON
      }
      // 5xx and 429 are worth another try; 4xx will not change.
      if (response.status >= 500 || response.status === 429) throw new Error(message);
      options.onFatal?.(response.status, message);
      return 'fatal';
    }
    if (!response.body) throw new Error('the browser gave no stream');
    options.onState?.('open');
    const parser = new SseParser((message) => {
      if (message.id) lastEventId = message.id;
      options.onMessage(message);
    });
    parser.lastEventId = lastEventId;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
      parser.feed(decoder.decode());
    } finally {
      parser.end();
      if (parser.retry !== null) retryMs = Math.min(Math.max(parser.retry, 250), 10000);
      reader.releaseLock();
    }
    return options.finished() ? 'ended' : 'dropped';
  }

  (async () => {
    let failures = 0;
    options.onState?.('connecting');
    while (!stopped) {
      try {
        const outcome = await connectOnce();
        if (outcome === 'ended' || outcome === 'fatal') break;
        failures = 0; // the connection worked, then dropped: try again soon
        options.onState?.('reconnecting', 'the stream was interrupted');
      } catch (error) {
        if (stopped || (error as Error).name === 'AbortError') break;
        failures++;
        if (failures >= maxAttempts) {
          options.onFatal?.(0, `lost the connection to the console: ${(error as Error).message}`);
          break;
        }
        options.onState?.('reconnecting', (error as Error).message);
      }
      if (stopped || options.finished()) break;
      await sleep(Math.min(retryMs * Math.max(1, failures), 10000));
    }
    options.onState?.('closed');
  })();

  return {
    stop: () => {
      stopped = true;
      controller.abort();
    },
  };
}
