// How hard a password is to guess, by zxcvbn-ts (see docs/dependencies.md). Its code and its
// list of common passwords (about 200 kB compressed) load on first use, from the sign-up, recovery
// and change-password forms only, so the app's first paint does not carry them.

/** zxcvbn's scores run 0–4; below this, a new password is refused. */
export const MIN_SCORE = 3;

export interface Estimate {
  score: 0 | 1 | 2 | 3 | 4;
  /** zxcvbn's translation keys (its default "translations" are the keys themselves). */
  warning: string | null;
  suggestions: string[];
}

type Check = (password: string, inputs: string[]) => Estimate;
let loading: Promise<Check> | null = null;

function load(): Promise<Check> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) => {
      const z = new core.ZxcvbnFactory({
        dictionary: { ...common.dictionary },
        graphs: common.adjacencyGraphs,
      });
      return (password, inputs) => {
        const r = z.check(password, inputs);
        return {
          score: r.score,
          warning: r.feedback.warning,
          suggestions: r.feedback.suggestions,
        };
      };
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

/** The strength of a password; `inputs` (the email, say) count as easy to guess. */
export async function estimate(password: string, inputs: string[] = []): Promise<Estimate> {
  return (await load())(password, inputs);
}

/** What the user's email gives a guesser: the whole address and its parts. */
export const emailInputs = (email: string): string[] =>
  email ? [email, ...email.split(/[@.+_-]/).filter((p) => p.length > 2)] : [];
