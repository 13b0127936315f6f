import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * An email in its original formatting: the server's sanitized HTML, served as its own page with a
 * CSP that forbids scripts, in a sandboxed frame without allow-scripts. Remote images (trackers)
 * stay blocked until the reader asks for them; cid: images come from the email's own files.
 */
export function EmailOriginal({ activityId, subject }: { activityId: string; subject: string }) {
  const { t } = useTranslation();
  const [remoteImages, setRemoteImages] = useState(false);
  const src = `/api/v1/emails/${encodeURIComponent(activityId)}/html/page?remoteImages=${remoteImages}`;
  return (
    <div className="mail-original">
      <div className="mail-original-bar">
        <span className="tl-meta">
          {remoteImages ? t('timeline.remoteImagesShown') : t('timeline.remoteImagesBlocked')}
        </span>
        {!remoteImages && (
          <button type="button" className="tl-link" onClick={() => setRemoteImages(true)}>
            {t('timeline.showRemoteImages')}
          </button>
        )}
      </div>
      <iframe
        key={src}
        src={src}
        title={t('timeline.originalTitle', { subject })}
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        loading="lazy"
        className="mail-frame"
      />
    </div>
  );
}
