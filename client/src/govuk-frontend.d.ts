/**
 * govuk-frontend ships no type declarations; these are the few parts of its JavaScript the client
 * starts itself (see components/Layout.tsx).
 */
declare module 'govuk-frontend' {
  /** The service navigation's mobile "Menu" toggle; `$root` holds the toggle button. */
  export class ServiceNavigation {
    static moduleName: string;
    constructor($root: Element);
  }
}
