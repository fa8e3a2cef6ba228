// A fake Oracle BI Publisher: PublicReportService answers its WSDL (or any status a test sets),
// optionally after a delay, or never (`hang`).
import { HttpFake, type Answer, type RecordedRequest } from './http-fake.js';

const WSDL = `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" name="PublicReportService"
  targetNamespace="http://xmlns.oracle.com/oxp/service/PublicReportService">
  <wsdl:service name="PublicReportServiceService"/>
</wsdl:definitions>
`;

export class FakeOracleBi extends HttpFake {
  status = 200;
  delayMs: number | undefined;

  static start(): Promise<FakeOracleBi> {
    return new FakeOracleBi().start();
  }

  protected override answer(r: RecordedRequest): Answer {
    if (r.path !== '/xmlpserver/services/PublicReportService') return { status: 404, body: 'Not Found' };
    if (this.status !== 200) return { status: this.status, body: 'Unauthorized', delayMs: this.delayMs };
    return { status: 200, body: WSDL, contentType: 'text/xml', delayMs: this.delayMs };
  }
}
