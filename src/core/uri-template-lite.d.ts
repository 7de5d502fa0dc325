// uri-template-lite ships no types; prism.ts patches the one class of it Prism uses.
declare module 'uri-template-lite' {
  export const URI: { Template: new (template: string) => object };
}
