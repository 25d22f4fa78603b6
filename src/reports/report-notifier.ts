/** A persistent notification on the hub (Home Assistant's `persistent_notification.create`). */
export interface ReportNotification {
  title: string;
  /** Markdown. */
  message: string;
  /** The same id replaces the previous notification instead of stacking them. */
  notification_id: string;
}

/** Where a scheduled report is announced; the integration implements it over the hub connection. */
export interface ReportNotifier {
  notify(notification: ReportNotification): Promise<void>;
}
