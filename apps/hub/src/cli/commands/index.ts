import type { Command } from 'commander';
import type { HubClient } from '../HubClient';
import { loginCommand, orgCommand, tokenCommand } from './admin';
import { alertCommand, alertMappingCommand } from './alert';
import { conflictCommand } from './conflict';
import { incidentCommand } from './incident';
import { integrationCommand } from './integration';
import { runCommand } from './reconcile';

export function allCommands(client: () => HubClient, argv: string[] = []): Command[] {
  return [loginCommand(), orgCommand(client), tokenCommand(client), integrationCommand(client, argv), conflictCommand(client), incidentCommand(client), runCommand(client), alertCommand(client), alertMappingCommand(client)];
}
