export * from './EmulatorApp';
export { nextNumber } from './numbering';
