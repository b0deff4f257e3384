/**
 * The voter's "Abandonner", in the header of the eligibility, browse and review screens (always at the top,
 * however long the grid): after a confirmation it ends the voter exactly as the idle timeout does (the session store's `endVoter`: session, choices and settings wiped).
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
    <>
      <button type="button" className="button header-button quit" onClick={() => setAsking(true)}>
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
    </>
  );
}
