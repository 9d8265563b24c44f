import { z } from 'zod';

/** The two endpoints of a space. */
export const EndpointNameSchema = z.enum(['primary', 'backup']);
export type EndpointName = z.infer<typeof EndpointNameSchema>;
