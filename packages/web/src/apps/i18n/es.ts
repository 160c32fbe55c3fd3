// Connected apps' own strings, in Spanish.
import type { AppStrings } from './en.ts';

export const es: AppStrings = {
  connectApp: 'Conectar una aplicación',
  connectIntro:
    'Una aplicación pide una de tus carpetas. Escribe el código que muestra. Recibe solo la clave de esa carpeta: nunca tu contraseña, tus otras carpetas ni tu cuenta.',
  appCodeField: 'Código que muestra la aplicación',
  lookUpCode: 'Continuar',
  badCode:
    'Código: escribe las 8 letras que muestra la aplicación, por ejemplo BCDF-GHJK (no lleva vocales ni cifras).',
  appAsks: '«{name}» pide usar una de tus carpetas.',
  appRights: 'Permisos',
  appFingerprint: 'Huella de las claves',
  appFingerprintNote:
    'La aplicación muestra una huella junto a su código. Permite solo si es exactamente esta.',
  rights_read: 'Ver y descargar los archivos de la carpeta',
  rights_readwrite: 'Ver, descargar, añadir, cambiar y eliminar los archivos de la carpeta',
  appFolderField: 'Carpeta que puede usar',
  appFolderNote:
    'La aplicación ve esta carpeta y lo que contiene, nada por encima ni al lado. Si la carpeta aún no existe, se crea.',
  appFolderRoot: 'Carpeta: elige una carpeta, no todo tu espacio.',
  appSuggested: 'La aplicación propone {folder}.',
  allowApp: 'Permitir',
  denyApp: 'Rechazar',
  appAllowed:
    '«{name}» ya puede usar {folder}. Puedes revocarla cuando quieras en Sesiones, en Aplicaciones.',
  appDenied: 'Rechazaste la solicitud de «{name}».',
  appsHeading: 'Aplicaciones',
  appsIntro: 'Las aplicaciones que permitiste, cada una en una carpeta.',
  noApps:
    'No hay ninguna aplicación conectada. Una aplicación que pide acceso muestra un código para escribir en «Conectar una aplicación».',
  appColumn: 'Aplicación',
  appFolder: 'Carpeta',
  appAccess: 'Permisos',
  access_read: 'Solo lectura',
  access_readwrite: 'Lectura y escritura',
  appExpires: 'Caduca',
  appLastUsed: 'Último uso',
  neverUsed: 'Nunca',
  goneFolder: 'carpeta eliminada',
  revokeAppTitle: '¿Revocar esta aplicación?',
  revokeAppText: '«{name}» deja de funcionar enseguida y ya no puede abrir {folder}.',
  revokeAppWriterText:
    '«{name}» deja de funcionar enseguida. Como podía escribir, las claves de la carpeta también cambian, para que nada de lo que se añada después se abra para ella.',
  appRevoked: '«{name}» está revocada: ya no puede llegar a tus archivos.',
  appRevokedRotated:
    '«{name}» está revocada y {folder} tiene claves nuevas: nada de lo que se añada a partir de ahora se abrirá para ella.',
};
