/**
 * The admin login page (the password form, with the notice of why it is shown) and the page answered
 * when the login rate limit is reached. Authentication itself lives in the plugin's admin routes.
 */
import { html, type SafeHtml } from '../../html';
import { page } from '../../layout';

export type LoginNotice = 'none' | 'wrong_password' | 'logged_out' | 'expired' | 'csrf';

const loginNotices: Record<Exclude<LoginNotice, 'none'>, SafeHtml> = {
  wrong_password: html`<p class="notice error" id="login-error" role="alert">Mot de passe incorrect.</p>`,
  logged_out: html`<p class="notice success" role="status">Vous êtes déconnecté.</p>`,
  expired: html`<p class="notice">Connectez-vous pour accéder à l’administration.</p>`,
  csrf: html`<p class="notice error" role="alert">Le formulaire a expiré. Recommencez.</p>`,
};

export function loginPage(loginToken: string, notice: LoginNotice, attemptsPerMinute = 5): string {
  const failed = notice === 'wrong_password';
  return page({
    title: failed ? 'Erreur : connexion refusée' : 'Connexion',
    nav: { kind: 'admin', current: 'login', csrf: null },
    body: html`<h1>Connexion à l’administration</h1>
      ${notice === 'none' ? '' : loginNotices[notice]}
      <form class="stack" method="post" action="/admin/connexion">
        <input type="hidden" name="csrf" value="${loginToken}" />
        <div>
          <label for="password">Mot de passe administrateur</label>
          <input
            type="password"
            id="password"
            name="password"
            required
            autocomplete="current-password"
            maxlength="1024"
            ${failed ? html`aria-invalid="true" aria-describedby="login-error"` : ''}
          />
        </div>
        <button type="submit" class="primary">Se connecter</button>
      </form>
      <p>
        Le mot de passe a été affiché une seule fois lors de l’installation du serveur (<code>init</code>).
        Après ${attemptsPerMinute} essais en une minute, la connexion est bloquée une minute.
      </p>`,
  });
}

export function tooManyAttemptsPage(): string {
  return page({
    title: 'Erreur : trop de tentatives',
    nav: { kind: 'admin', current: 'login', csrf: null },
    body: html`<h1>Trop de tentatives</h1>
      <p class="notice error" role="alert">
        Trop d’essais de connexion en ce moment. Attendez une minute avant de réessayer.
      </p>
      <p><a href="/admin/connexion">Retour à la connexion</a></p>`,
  });
}
