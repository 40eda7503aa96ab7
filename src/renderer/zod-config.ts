// The page's content security policy forbids eval; tell zod not to probe for
// it (the probe would log a CSP violation) and to validate without compiling.
import { z } from 'zod';

z.config({ jitless: true });
