export * from './EmulatorApp';
