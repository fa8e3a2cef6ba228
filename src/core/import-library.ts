// import() of a library kept outside the bundle (an ES module only, loaded in some configurations only:
// the Kubernetes client, the Elasticsearch client). The bundled bot is a script run by node:vm with a
// code cache (src/core/code-cache.ts), and Node 20 loses such a script's own import() once its code
// comes from a cache ("A dynamic import callback was not specified"): the entry point, an ES module,
// hands in its import() instead. Run from the sources (npm run dev, the tests), this module's own.

type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

/** Called by the entry point before the bot starts. */
export function provideImporter(given: Importer): void {
  importer = given;
}

/** The library `specifier`, as import() would give it (`T`: its type, `typeof import('…')`). */
export function importLibrary<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
