import { useState, type FormEvent } from 'react';
import { describeApiError } from '@porchlight/sdk';
import { api } from '../../auth/services.ts';

interface Props {
  callId: string;
  presets: readonly string[];
}

/** Texts shown big (and spoken) on the door screen: the door's presets or one typed here. */
export function QuickReplies({ callId, presets }: Props) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<string | null>(null);

  const send = (value: string): void => {
    const trimmed = value.trim();
    if (!trimmed) return;
    setStatus('Sending…');
    api.sendQuickReply(callId, trimmed).then(
      () => {
        setStatus(`Shown at the door: “${trimmed}”`);
        setText('');
      },
      (e: unknown) => setStatus(describeApiError(e)),
    );
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    send(text);
  };

  return (
    <div className="quick-replies" data-testid="quick-replies">
      <div className="quick-replies__presets">
        {presets.map((p) => (
          <button
            key={p}
            type="button"
            className="btn btn--small call-chip"
            data-testid="quick-reply-preset"
            onClick={() => send(p)}
          >
            {p}
          </button>
        ))}
      </div>
      <form className="quick-replies__custom" onSubmit={submit}>
        <input
          type="text"
          value={text}
          maxLength={120}
          placeholder="Type a message for the door"
          aria-label="Message for the door"
          data-testid="quick-reply-text"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn call-btn" data-testid="quick-reply-send">
          Send
        </button>
      </form>
      {status && (
        <p className="hint" role="status" data-testid="quick-reply-status">
          {status}
        </p>
      )}
    </div>
  );
}
