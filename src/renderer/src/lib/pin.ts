/** A mediator's PIN as the contract wants it: 6 to 12 digits. */
import { mediatorPin } from '../../../shared/api';

export const PIN_MIN = 6;
export const PIN_MAX = 12;

export const isValidPin = (pin: string): boolean => mediatorPin.safeParse(pin).success;

/** Digits only, at most PIN_MAX of them (what the field keeps of what was typed or pasted). */
export const pinDigits = (raw: string): string => raw.replace(/[^0-9]/g, '').slice(0, PIN_MAX);
