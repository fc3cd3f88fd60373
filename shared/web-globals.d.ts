// Web-standard globals that every runtime of Seedship provides (Node, Chromium, Electron).
// shared/ is compiled without DOM or Node types, so it may use these and nothing else.
declare class URL {
  constructor(url: string, base?: string);
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly username: string;
  readonly password: string;
  readonly pathname: string;
}
