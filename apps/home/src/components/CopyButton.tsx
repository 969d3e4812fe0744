import { useState } from 'react';

/** Copies `text`; says so for a moment. Clipboard access needs a secure page (we always are). */
export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
    setTimeout(() => setCopied(null), 2_000);
  };
  return (
    <button type="button" className="icon-btn" data-testid={testId} onClick={() => void copy()}>
      {copied === null ? 'Copy' : copied ? 'Copied' : 'Copy failed: select it by hand'}
    </button>
  );
}
