/** The scenario format and its matching live with the simulator in the server (the configuration pages run it too). */
export * from '../../server/config/expectations.ts';
