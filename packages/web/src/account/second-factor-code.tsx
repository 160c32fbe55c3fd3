import { useState } from 'react';
import { useT } from '../i18n/use-t.ts';
import { useFigures } from '../use-figures.ts';
import { codeError } from './errors.ts';
import { CodeField } from './form.tsx';
import { accountStrings } from './strings.ts';

// The code a sensitive action asks for once the hub says the account's second factor is due
// (a new password, the recovery key, approving an app): hidden until then, then a field.

type Failure = { code: string; message: string; detail: string; secondFactorRequired?: true };

export function useSecondFactorCode() {
  const t = useT(accountStrings);
  const fig = useFigures();
  const [asked, setAsked] = useState(false);
  const [code, setCode] = useState('');
  return {
    asked,
    code,
    setCode,
    /** What to send: the typed code once one is asked for. */
    given: () => (asked ? code.trim() : undefined),
    /** The failure said for a person when it is about the code (which is then asked for). */
    failure(r: Failure): string | null {
      if (!r.secondFactorRequired && !/^(code|secondFactor)\b/.test(r.detail)) return null;
      setAsked(true);
      setCode('');
      return codeError(t, r, fig.time);
    },
  };
}

/** The field, once the code is asked for. */
export function SecondFactorCodeField({
  id,
  state,
  invalid,
}: {
  id: string;
  state: ReturnType<typeof useSecondFactorCode>;
  invalid: boolean;
}) {
  const t = useT(accountStrings);
  if (!state.asked) return null;
  return (
    <CodeField
      id={id}
      label={t.codeLabel}
      hint={t.codeHint}
      value={state.code}
      onChange={state.setCode}
      invalid={invalid}
    />
  );
}
