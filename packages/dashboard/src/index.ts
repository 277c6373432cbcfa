export * from './DashboardServer.ts';
export * from './NodeDashboardView.ts';
