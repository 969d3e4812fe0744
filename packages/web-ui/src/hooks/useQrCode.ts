import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/**
 * A QR code of `text` as a data URL (PNG), or null while it renders, when `text` is absent, or if
 * rendering failed. Error correction M: scannable from a phone screen at arm's length.
 */
export function useQrCode(text: string | undefined, width: number): string | null {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    setQr(null);
    if (!text) return;
    let current = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width }).then(
      (data) => current && setQr(data),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [text, width]);
  return qr;
}
