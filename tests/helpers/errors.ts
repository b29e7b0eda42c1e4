import { TRPCClientError } from '@trpc/client';

export type ClientErrorData = { code: string; httpStatus: number; reason?: string; [key: string]: unknown };

/** Awaits a call that must fail and returns its tRPC error (message and data). */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ message: string; data: ClientErrorData }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError)
      return { message: error.message, data: error.data as ClientErrorData };
    throw error;
  }
  throw new Error('expected the call to fail');
}
