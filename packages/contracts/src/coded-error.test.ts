import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CodedError, ours, refused } from './coded-error.js';

/** What arrives on the other side of a postMessage. */
function postThrough<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (m: T) => {
      port1.close();
      resolve(m);
    });
    port1.postMessage(value);
  });
}

class WidgetError extends CodedError<'WIDGET_BROKEN'> {
  constructor(message: string) {
    super('WIDGET_BROKEN', message, refused(422), { widget: 7 });
  }
}

describe('CodedError', () => {
  it('carries code, status, userFault, retryable and details; its name is its class', () => {
    const err = new WidgetError('the widget is broken');
    expect(err).toBeInstanceOf(CodedError);
    expect([err.name, err.code, err.status, err.userFault, err.retryable, err.details]).toEqual([
      'WidgetError',
      'WIDGET_BROKEN',
      422,
      true,
      false,
      { widget: 7 },
    ]);
  });

  it('crosses a thread as JSON and comes back with the same fields, where the class itself would not', async () => {
    const err = new WidgetError('the widget is broken');
    const raw = await postThrough(err);
    expect(raw).not.toBeInstanceOf(CodedError);
    const rebuilt = CodedError.fromJSON(await postThrough(err.toJSON()));
    expect(rebuilt).toBeInstanceOf(CodedError);
    expect(rebuilt.toJSON()).toEqual(err.toJSON());
    expect(CodedError.fromJSON(new CodedError('INTERNAL', 'x', ours()).toJSON()).retryable).toBe(true);
  });
});
