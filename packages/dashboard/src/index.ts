export * from './DashboardServer.ts';
