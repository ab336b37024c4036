// Backend suites start test backends, databases and talk to a real cluster on
// a busy 2-core machine: jest's 5 s default is too tight.
jest.setTimeout(60_000);
