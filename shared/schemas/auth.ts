import { z } from 'zod';
import { text } from './common.js';

/** Lower-cased, trimmed email address, as accounts store it. */
export const emailSchema = text()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address' }).max(254));

export const passwordSchema = z
  .string()
  .min(8, 'Use at least 8 characters')
  .max(128, 'Use at most 128 characters');

/** `cookie` (default): the HttpOnly session cookie; `token`: a bearer token in the answer, no cookie. */
export const sessionKindSchema = z.enum(['cookie', 'token']);
export type SessionKind = z.infer<typeof sessionKindSchema>;

export const signUpInput = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: text().trim().min(1, 'Enter your name').max(100),
  session: sessionKindSchema.optional(),
});

export const signInInput = z.strictObject({
  email: emailSchema,
  // NOTE: no length rule beyond the hashing cap, so a wrong guess and a malformed one look alike.
  password: z.string().min(1).max(128),
  session: sessionKindSchema.optional(),
});

export const changePasswordInput = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: passwordSchema,
});

export const requestPasswordResetInput = z.strictObject({ email: emailSchema });
export const resetPasswordInput = z.strictObject({
  token: text().min(1).max(200),
  newPassword: passwordSchema,
});
export const verifyEmailInput = z.strictObject({ token: text().min(1).max(200) });
