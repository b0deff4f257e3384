/**
 * The kiosk's mediator accounts: who may open the mediator's space, an account added with a name and a
 * PIN, one removed after a confirmation (never one's own); and "Mon code", where the logged-in mediator
 * changes their PIN (the current one first).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/AccountForm';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useMediator } from '../stores/app';
import { ErrorAt, Notice } from '../components/MediatorNotices';

export function MediatorAccounts(): React.JSX.Element {
  const { t } = useTranslation();
  const accounts = useMediator((s) => s.accounts);
  const busy = useMediator((s) => s.busy);
  const error = useMediator((s) => (s.errorAt === 'accounts' ? s.error : null));
  const m = useMediator.getState();
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const current = accounts?.current?.id ?? null;

  return (
    <div className="mediator-grid">
      <section className="mediator-block" aria-labelledby="m-accounts">
        <h2 id="m-accounts">{t('accounts.title')}</h2>
        <p>{t('accounts.intro')}</p>
        <ul className="account-rows">
          {(accounts?.accounts ?? []).map((a) => (
            <li key={a.id}>
              <span className="account-name">
                {a.name}
                {a.id === current && <span className="hint"> {t('accounts.you')}</span>}
              </span>
              {a.id !== current && (
                <button
                  type="button"
                  className="button quit"
                  aria-label={t('accounts.removeLabel', { name: a.name })}
                  onClick={() => setRemoving({ id: a.id, name: a.name })}
                >
                  {t('accounts.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
        <Notice />
      </section>
      <section className="mediator-block" aria-labelledby="m-add">
        <h2 id="m-add">{t('accounts.add')}</h2>
        <AccountForm
          withName
          submitLabel={t('accounts.addConfirm')}
          busy={busy}
          error={error ? error.message || t('errors.generic') : null}
          onSubmit={({ name, pin }) => m.addMediator(name, pin)}
        />
      </section>
      {removing && (
        <ConfirmDialog
          title={t('accounts.removeTitle', { name: removing.name })}
          text={t('accounts.removeText')}
          confirmLabel={t('accounts.removeConfirm')}
          cancelLabel={t('mediator.cancel')}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const id = removing.id;
            setRemoving(null);
            void m.removeMediator(id);
          }}
        />
      )}
      <ErrorAt at="accounts" />
    </div>
  );
}

export function MediatorChangePin(): React.JSX.Element {
  const { t } = useTranslation();
  const busy = useMediator((s) => s.busy);
  const error = useMediator((s) => (s.errorAt === 'pin' ? s.error : null));
  const m = useMediator.getState();
  return (
    <section className="mediator-block narrow-block" aria-labelledby="m-pin">
      <h2 id="m-pin">{t('accounts.changeTitle')}</h2>
      <AccountForm
        withName={false}
        withCurrent
        submitLabel={t('accounts.changeConfirm')}
        busy={busy}
        error={
          error
            ? error.details?.triesLeft !== undefined
              ? t('mediator.wrongPin', { count: Number(error.details.triesLeft) })
              : error.message || t('errors.generic')
            : null
        }
        onSubmit={({ currentPin, pin }) => m.changePin(currentPin, pin)}
      />
      <Notice />
    </section>
  );
}
