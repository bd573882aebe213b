export * from './EmulatorApp';
export { forgetNumbers, nextNumber } from './numbering';
