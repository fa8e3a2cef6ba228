// A fake Oracle BI Publisher: PublicReportService answers its WSDL (or any status a test sets),
// optionally after a delay, or never.
import { HttpFake, type Answer, type RecordedRequest } from './http-fake.js';

const WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" name="PublicReportService"
  targetNamespace="http://xmlns.oracle.com/oxp/service/PublicReportService">
  <wsdl:service name="PublicReportServiceService"/>
</wsdl:definitions>
`;

export class FakeOracleBi {
  status = 200;
  delayMs: number | undefined;
  readonly http = new HttpFake((r) => this.answer(r));

  static async start(): Promise<FakeOracleBi> {
    const fake = new FakeOracleBi();
    await fake.http.start();
    return fake;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get url(): string {
    return this.http.url;
  }

  get requests(): RecordedRequest[] {
    return this.http.requests;
  }

  set hang(value: boolean) {
    this.http.hang = value;
  }

  get hang(): boolean {
    return this.http.hang;
  }

  private answer(r: RecordedRequest): Answer | undefined {
    if (r.path !== '/xmlpserver/services/PublicReportService') return { status: 404, body: 'Not Found' };
    if (this.status !== 200) return { status: this.status, body: 'Unauthorized', delayMs: this.delayMs };
    return { status: 200, body: WSDL, contentType: 'text/xml', delayMs: this.delayMs };
  }
}
