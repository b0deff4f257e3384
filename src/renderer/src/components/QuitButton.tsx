/**
 * The voter's "Abandonner" (eligibility, browse, review): after a confirmation it ends the voter exactly
 * as the idle timeout does (the session store's `endVoter`: session, choices and settings wiped).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../stores/app';
import { ConfirmDialog } from './ConfirmDialog';

export function QuitButton(): React.JSX.Element {
  const { t } = useTranslation();
  const endVoter = useSession((s) => s.endVoter);
  const [asking, setAsking] = useState(false);
  return (
    <footer className="voter-footer">
      <button type="button" className="button secondary quit" onClick={() => setAsking(true)}>
        {t('quit.button')}
      </button>
      {asking && (
        <ConfirmDialog
          title={t('quit.title')}
          text={t('quit.text')}
          confirmLabel={t('quit.confirm')}
          cancelLabel={t('quit.cancel')}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            void endVoter();
          }}
        />
      )}
    </footer>
  );
}
