import { parseDuration } from '../clock';
import type { ArmContext } from './context';
import { ArmError, objectBody, ok, type Router } from './http-kit';
import { datacenterJob, findJobsByName, markPackageReceived, reportProgress, requireStoredJob } from './importexport/datacenter-desk';
import { jobResponse } from './importexport/job-rules';
import { setJobState } from './importexport/jobs-routes';

/** Rehearsal control, not an Azure API: the clock, device-code approval, and moving jobs along. */
export function registerAdminRoutes(router: Router, ctx: ArmContext, approveDeviceCode: (code: string, user: string, password: string) => Promise<void>): void {
  const clock = () => ({ now: ctx.clock.now().toISOString(), offsetMs: ctx.clock.offsetMs() });
  router.add('GET', '/admin/clock', () => ok(clock()));
  router.add('POST', '/admin/clock', (req) => {
    const body = objectBody(req);
    if (typeof body.advance !== 'string') throw new ArmError(400, 'InvalidRequestContent', 'Send {"advance":"15d"} (s, m, h, d or w).');
    let ms: number;
    try {
      ms = parseDuration(body.advance);
    } catch (error) {
      throw new ArmError(400, 'InvalidRequestContent', (error as Error).message);
    }
    ctx.clock.advance(ms);
    return ok(clock());
  });
  router.add('POST', '/admin/device-codes/approve', async (req) => {
    const body = objectBody(req);
    try {
      await approveDeviceCode(String(body.userCode ?? ''), String(body.username ?? ''), String(body.password ?? ''));
    } catch (error) {
      throw new ArmError(400, 'DeviceCodeNotApproved', (error as Error).message);
    }
    return ok({ approved: true });
  });
  router.add('POST', '/admin/jobs/{s}/{rg}/{name}/state', (req) => {
    const [s, rg, name] = req.params as [string, string, string];
    return ok(jobResponse(setJobState(ctx, s, rg, name, objectBody(req))));
  });

  // The datacenter's desk (`localcloud receive`): find a job by name, take in its package, report the copy.
  router.add('GET', '/admin/datacenter/jobs', (req) => {
    const name = req.query.get('name');
    if (!name) throw new ArmError(400, 'InvalidQueryParameterValue', 'Say which job: ?name=<job name>.');
    return ok({ value: findJobsByName(ctx, name).map((job) => datacenterJob(ctx, job)) });
  });
  router.add('POST', '/admin/datacenter/jobs/{s}/{rg}/{name}/package-received', (req) => {
    const [s, rg, name] = req.params as [string, string, string];
    return ok(datacenterJob(ctx, markPackageReceived(ctx, requireStoredJob(ctx, s, rg, name), objectBody(req).driveIds)));
  });
  router.add('POST', '/admin/datacenter/jobs/{s}/{rg}/{name}/progress', (req) => {
    const [s, rg, name] = req.params as [string, string, string];
    return ok(datacenterJob(ctx, reportProgress(ctx, requireStoredJob(ctx, s, rg, name), objectBody(req))));
  });
}
