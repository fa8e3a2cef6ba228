// The template port: words people read live in templates/, rendered by name with data.

export interface TemplateRenderer {
  /** Renders templates/<name>.hbs with `data`; the result is plain neutral text. */
  render(name: string, data: object): string;
}
