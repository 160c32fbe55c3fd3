// Links' and file requests' own strings, in Spanish.
import { plurals } from '../../i18n/format.ts';
import type { LinkStrings } from './en.ts';

const plural = plurals('es');

export const es: LinkStrings = {
  getLink: 'Obtener enlace',
  linkDialogTitle: 'Enlace a {name}',
  linkDialogNote:
    'Cualquiera que tenga el enlace puede abrirlo, sin cuenta. Su clave está en el propio enlace, que Coffer nunca ve.',
  linkPasswordField: 'Contraseña (opcional)',
  linkExpiryField: 'Caduca el (opcional)',
  linkLimitField: 'Límite de descargas (opcional)',
  createLink: 'Crear enlace',
  linkReady:
    'Tu enlace está listo. Cópialo ahora: cuando salgas de Coffer no se podrá volver a mostrar (Coffer no guarda su clave).',
  linkUrl: 'Enlace',
  copyLink: 'Copiar enlace',
  copied: 'Copiado',
  copyFailed: 'No se pudo copiar. Selecciona el enlace y cópialo tú.',
  badPassword: 'Contraseña: usa al menos 6 caracteres, o déjala vacía.',
  badExpiry: 'Caduca el: elige hoy o un día posterior, o déjalo vacío.',
  badLimit: 'Límite de descargas: un número entero de 1 a 1.000.000, o déjalo vacío.',
  linksPage: 'Enlaces',
  linksIntro:
    'Los enlaces públicos que creaste. La clave de un enlace está en su dirección y nunca llega al servidor, así que un enlace solo se puede volver a copiar en la pestaña que lo creó; en otro lugar, crea uno nuevo.',
  noLinks: 'Aún no has creado ningún enlace. Usa «Obtener enlace» en un archivo o una carpeta.',
  linkItem: 'Elemento',
  linkCreated: 'Creado',
  linkExpiry: 'Caduca',
  linkDownloads: 'Descargas',
  linkHasPassword: 'Contraseña',
  linkState: 'Estado',
  never: 'Nunca',
  yes: 'Sí',
  no: 'No',
  goneItem: 'elemento eliminado',
  downloadsUsed: plural({ one: '{n} usada', other: '{n} usadas' }),
  downloadsLeftShort: plural({ one: 'queda {n}', other: 'quedan {n}' }),
  noLimit: 'sin límite',
  state_active: 'activo',
  state_revoked: 'revocado',
  state_expired: 'caducado',
  state_usedUp: 'agotado',
  copyUnavailable: 'Creado en otra pestaña: su dirección no se guarda',
  revokeTitle: '¿Revocar este enlace?',
  revokeText: 'Nadie podrá volver a abrir {what} con este enlace. No se puede deshacer.',
  previewFree: 'La vista previa no gasta ninguna descarga.',
  previewsUsedUp:
    'Las vistas previas gratuitas de este enlace se agotaron. Descarga el archivo para verlo.',
  limitReached: 'Este enlace alcanzó su límite de descargas.',
  linkRevoked: 'El propietario revocó este enlace.',
  requestFiles: 'Solicitar archivos',
  requestDialogTitle: 'Solicitar archivos en {name}',
  requestDialogNote:
    'Quien tenga el enlace de la solicitud puede enviarte archivos a esta carpeta, sin cuenta. Lo que envíe se cifra para ti; no ve lo que hay en la carpeta.',
  createRequest: 'Crear solicitud',
  requestReady: 'Tu solicitud de archivos está lista. Envía este enlace:',
  stopAccepting: 'Dejar de aceptar archivos',
};
