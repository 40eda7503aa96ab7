// The page's content security policy forbids eval; tell zod not to probe for
// it (the probe would log a CSP violation) and to validate without compiling.
// zod declares itself free of side effects, so the bundler drops the call that
// installs its English messages: install them here, or every problem shown on
// a screen reads "Invalid input" instead of what is wrong.
import { z } from 'zod';

z.config(z.locales.en());
z.config({ jitless: true });
