import type { z } from 'zod';

/** One request/response pair of a service. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodSpec<I, O> {
  return { input, output };
}

export type ContractShape = Record<string, Record<string, MethodSpec>>;
export type EventShape = Record<string, z.ZodType>;

/** The implementation a service must provide, derived from its schemas. */
export type ServiceImpl<C extends ContractShape> = {
  [S in keyof C]: {
    [M in keyof C[S]]: (input: z.output<C[S][M]['input']>) => Promise<z.input<C[S][M]['output']>>;
  };
};

/** What callers see: the same names, typed by the schemas. */
export type ServiceClient<C extends ContractShape> = {
  [S in keyof C]: {
    [M in keyof C[S]]: (input: z.input<C[S][M]['input']>) => Promise<z.output<C[S][M]['output']>>;
  };
};

export type EventPayload<E extends EventShape, K extends keyof E> = z.output<E[K]>;

/** `service.method` names, the channel each call travels on. */
export function channelsOf(contract: ContractShape): string[] {
  return Object.entries(contract).flatMap(([service, methods]) =>
    Object.keys(methods).map((name) => `${service}.${name}`),
  );
}
