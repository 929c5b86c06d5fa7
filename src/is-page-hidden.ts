/**
 * `document.hidden`, through the getter Document defines: markup can shadow the property itself (`<img name="hidden">`;
 * named elements are properties of `document`), which would make the page look hidden for good.
 */
export const isPageHidden = (): boolean => Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!.get!.call(document);
