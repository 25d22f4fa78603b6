import type { ReportNotification, ReportNotifier } from '../reports/report-notifier.js';
import type { HubConnection } from './hub-connection.js';

/** Posts a report as a persistent notification (`persistent_notification.create`). */
export class HubReportNotifier implements ReportNotifier {
  constructor(private readonly hub: Pick<HubConnection, 'command'>) {}

  async notify(notification: ReportNotification): Promise<void> {
    await this.hub.command({
      type: 'call_service',
      domain: 'persistent_notification',
      service: 'create',
      service_data: { title: notification.title, message: notification.message, notification_id: notification.notification_id },
    });
  }
}
