import { createContext } from 'react';
import type { Tracker } from '../tracker-methods.js';

/** The tracker `<ElevateProvider>` gives its tree (its handle's); undefined outside any provider. */
export const TrackerContext = createContext<Tracker | undefined>(undefined);
