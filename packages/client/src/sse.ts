/** One server-sent event: its id, its type, and its data (parsed as JSON where it is JSON). */
export interface ServerEvent<T = unknown> {
  id: string;
  event: string;
  data: T;
}

/**
 * Parses a text/event-stream body into events, field by field as EventSource does.
 * Comment lines (": ping") go to `onComment`.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
  onComment?: (text: string) => void,
): AsyncGenerator<ServerEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let id: string | undefined;
  let event: string | undefined;
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (line === '') {
          if (data.length > 0) {
            const text = data.join('\n');
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: hand over the text
            }
            yield { id: id ?? '', event: event ?? 'message', data: parsed };
          }
          event = undefined;
          data = [];
        } else if (line.startsWith(':')) {
          onComment?.(line.slice(1).trim());
        } else {
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'id') id = val;
          else if (field === 'event') event = val;
          else if (field === 'data') data.push(val);
        }
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
